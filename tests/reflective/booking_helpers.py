"""Shared pieces of the scheduling page tests: the people of a role x route matrix,
GOV.UK date inputs as a browser posts them, and the checks every bad form must pass."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import event

from learning_app.accounts.constants import Grade, Role
from learning_app.accounts.models import User
from learning_app.extensions import db
from tests.pages import Page

# How a test signs in as someone who may not use a page: their role, scoped to the
# reflective team's own unit where the role has a scope (the closest they could be).
OUTSIDERS = ("other_practitioner", "other_spo", "qdo", "ld_lead", "leader", "admin")


@dataclass
class People:
    spo: User
    practitioner: User
    pso: User
    other_spo: User  # SPO of another team in the same PDU
    other_practitioner: User  # in that other team
    qdo: User
    ld_lead: User
    leader: User
    admin: User

    def get(self, name: str) -> User:
        return getattr(self, name)


@pytest.fixture(name="people")
def people_fixture(factories, reflective_team) -> People:
    """The reflective team's people and, for the access matrices, those who are not theirs.
    Test modules import it as ``people_fixture``; tests ask for ``people``."""
    team = reflective_team.team
    other_team = factories.team(team.pdu)
    return People(
        spo=reflective_team.spo,
        practitioner=reflective_team.practitioner,
        pso=reflective_team.pso,
        other_spo=factories.spo(other_team, name="Olu Other"),
        other_practitioner=factories.user(team=other_team, name="Dan Davies"),
        qdo=factories.user(role=Role.QDO, scope=team.pdu, grade=Grade.OTHER),
        ld_lead=factories.user(role=Role.LD_LEAD, scope=team.pdu, grade=Grade.OTHER),
        leader=factories.user(role=Role.LEADER, scope=team.pdu, grade=Grade.OTHER),
        admin=factories.admin(),
    )


def date_parts(name: str, day: date | None) -> dict[str, list[str]]:
    """A GOV.UK date input as the browser posts it: day, month and year under one name."""
    if day is None:
        return {name: ["", "", ""]}
    return {name: [str(day.day), str(day.month), str(day.year)]}


def assert_gov_error(page: Page, *messages: str) -> None:
    """The page is a form shown again with a GOV.UK error summary naming ``messages``."""
    assert page.status == 200
    assert page.title.startswith("Error: "), page.title
    assert page.error_summary, "no error summary"
    for message in messages:
        assert message in page.error_summary, (message, page.error_summary)
        assert message in page.inline_errors, (message, page.inline_errors)


def assert_sign_in_redirect(response) -> None:
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]


@contextmanager
def statements_sent() -> Iterator[list[str]]:
    """The SQL statements sent on the test's connection while the block runs."""
    sent: list[str] = []
    connection = db.session.connection()

    def before(conn, cursor, statement, parameters, context, executemany) -> None:
        sent.append(statement)

    event.listen(connection, "before_cursor_execute", before)
    try:
        yield sent
    finally:
        event.remove(connection, "before_cursor_execute", before)
