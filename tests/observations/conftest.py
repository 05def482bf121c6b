"""Fixtures for the observation tests: the published framework and a small organisation."""

from __future__ import annotations

import pytest

from learning_app.accounts.constants import Grade, Role


@pytest.fixture
def org(factories):
    """Two PDUs in one region: north and south teams in the first, far in the second."""
    region = factories.region()
    pdu = factories.pdu(region)
    other_pdu = factories.pdu(region)
    return {
        "region": region,
        "pdu": pdu,
        "other_pdu": other_pdu,
        "north": factories.team(pdu, "City North"),
        "south": factories.team(pdu, "County South"),
        "far": factories.team(other_pdu, "Far Away"),
    }


@pytest.fixture
def people(factories, org):
    """An SPO of north, a QDO of the PDU, practitioners in each team, and other roles."""
    return {
        "spo": factories.spo(org["north"], name="Sam Senior", email="spo@example.test"),
        "qdo": factories.user(
            role=Role.QDO,
            scope=org["pdu"],
            grade=Grade.SPO,
            name="Quinn Quality",
            email="qdo@example.test",
        ),
        "alex": factories.user(team=org["north"], name="Alex Able", email="alex@example.test"),
        "bo": factories.user(team=org["south"], name="Bo Brown", email="bo@example.test"),
        "far": factories.user(team=org["far"], name="Fay Far", email="fay@example.test"),
        "ld_lead": factories.user(
            role=Role.LD_LEAD, scope=org["pdu"], grade=Grade.OTHER, email="ld@example.test"
        ),
        "leader": factories.user(
            role=Role.LEADER, scope=org["region"], grade=Grade.OTHER, email="head@example.test"
        ),
        "admin": factories.admin(email="admin@example.test"),
    }


def valid_details(type_slug: str) -> dict[str, object]:
    """Form data answering every question of a type's own fields."""
    from learning_app.observations.types import FieldKind, spec_for_slug

    data: dict[str, object] = {}
    for field in spec_for_slug(type_slug).fields:
        if field.kind is FieldKind.RADIOS:
            data[field.field_name] = field.options[0][0]
        elif field.kind is FieldKind.CHECKBOXES:
            data[field.field_name] = [field.options[0][0], field.options[1][0]]
        elif field.kind is FieldKind.NUMBER:
            data[field.field_name] = "3"
        else:
            data[field.field_name] = "Brought a clear proposal and tested it against the evidence."
    return data


def observation_data(type_slug: str = "supervision", **overrides) -> dict[str, object]:
    """A complete, valid recording form: today's date, the type's fields, one rating."""
    from datetime import date

    today = date.today()
    data: dict[str, object] = {
        "observed_on": [str(today.day), str(today.month), str(today.year)],
        "strengths": "Clear structure and a warm, purposeful tone.",
        "development_points": "Check police information before the review.",
        "actions-0-text": "Book a reflective discussion",
        "actions-0-due_on": ["1", "1", str(today.year + 1)],
        "case_reference": "",
        **valid_details(type_slug),
    }
    data.update(overrides)
    return data


@pytest.fixture
def make_observation(db_session, framework):
    """Record (and by default share) an observation through the services."""
    from datetime import UTC, date, datetime

    from learning_app.observations import services
    from learning_app.observations.models import ObservationType

    def make(
        observer,
        practitioner,
        observation_type: ObservationType = ObservationType.SUPERVISION,
        *,
        ratings: dict[str, int | None] | None = None,
        answers: dict[str, str] | None = None,
        share: bool = True,
        **fields,
    ):
        from tests.observations.conftest import valid_details_for

        data = services.ObservationInput(
            observed_on=fields.pop("observed_on", date.today()),
            details=valid_details_for(observation_type),
            ratings=ratings if ratings is not None else {"engagement-skills": 3},
            answers=answers or {},
            **fields,
        )
        observation = services.record_observation(
            observer,
            practitioner,
            observation_type,
            data,
            version=framework,
            campaign=None,
            today=date.today(),
        )
        if share:
            services.share_observation(observer, observation, datetime.now(UTC))
        db_session.flush()
        return observation

    return make


def valid_details_for(observation_type) -> dict[str, object]:
    """The stored form of ``valid_details``: every required field answered."""
    from learning_app.observations.types import FieldKind, spec_for

    details: dict[str, object] = {}
    for field in spec_for(observation_type).fields:
        if field.kind is FieldKind.RADIOS:
            details[field.key] = field.options[0][0]
    return details
