"""Feedback from people on probation by team: 10 answers and 5 practitioners, or nothing.

On the unit of conftest (Alpha 6, Bravo 3, Charlie 7 practitioners), in the last year:

- Alpha: 12 questionnaires about 5 of its practitioners; 9 felt listened to, 3 did not.
- Bravo: 11 about its 3 practitioners, all "yes": too few practitioners, so hidden.
- Charlie: 10 about 6 practitioners, 5 "yes" (50%).
- Everyone: 33 answers, 25 "yes" = 75.8%.

With Bravo alone hidden, the total less Alpha and Charlie would give it away
(33 - 12 - 10 = 11 answers, 25 - 9 - 5 = 11 "yes"), so one more team is hidden: Alpha,
the team with the fewest practitioners with feedback (5 against Charlie's 6).

One older questionnaire (13 months ago) about Alpha is left out.
"""

from __future__ import annotations

from datetime import date

from learning_app.analytics.feedback import RESPONSES, feedback_table
from learning_app.observations.models import FeedbackResponse

TODAY = date(2026, 12, 1)


def _questionnaires(db_session, factories, unit) -> None:
    entered_by = factories.user(grade="OTHER")
    plan = {"A": (12, 5, 9), "B": (11, 3, 11), "C": (10, 6, 5)}
    for team, (count, people, yes) in plan.items():
        members = [p for p in unit.people if p.team_id == unit.teams[team].id][:people]
        for i in range(count):
            db_session.add(
                FeedbackResponse(
                    practitioner_id=members[i % people].id,
                    entered_by_id=entered_by.id,
                    received_on=date(2026, 10, 1),
                    channel="paper",
                    listened_to="yes" if i < yes else "no",
                    felt_safe=None,
                )
            )
    db_session.add(
        FeedbackResponse(
            practitioner_id=unit.people[0].id,
            entered_by_id=entered_by.id,
            received_on=date(2025, 11, 1),
            channel="paper",
            listened_to="no",
        )
    )
    db_session.flush()


def test_small_groups_are_hidden_and_cannot_be_recovered(db_session, factories, unit) -> None:
    _questionnaires(db_session, factories, unit)
    table = feedback_table({t.id for t in unit.teams.values()}, TODAY)
    rows = {row.label: row for row in [*table.rows, table.total]}
    bravo = rows["Bravo"].figures["listened_to"]
    assert bravo.hidden and bravo.reason == "primary"
    alpha = rows["Alpha"].figures["listened_to"]
    assert alpha.hidden and alpha.reason == "secondary"
    assert rows["Alpha"].figures[RESPONSES].hidden and rows["Alpha"].practitioners == 5
    charlie = rows["Charlie"].figures["listened_to"]
    assert (charlie.n, charlie.value, charlie.hidden) == (10, 50.0, False)
    total = table.total.figures["listened_to"]
    assert (total.n, round(total.value, 1), total.hidden) == (33, 75.8, False)
    assert table.total.figures[RESPONSES].n == 33
    # Nobody answered "I felt safe": no figure, nothing to hide.
    assert table.total.figures["felt_safe"].value is None
    assert table.since == date(2025, 12, 1)


def test_a_team_s_own_view_hides_what_the_pdu_s_view_hides(db_session, factories, unit) -> None:
    _questionnaires(db_session, factories, unit)
    alone = feedback_table({unit.teams["A"].id}, TODAY)
    assert alone.total.figures["listened_to"].hidden
    assert alone.rows[0].figures[RESPONSES].hidden
    charlie = feedback_table({unit.teams["C"].id}, TODAY)
    assert charlie.total.figures["listened_to"].value == 50.0


def test_fewer_than_ten_answers_hide_a_figure(db_session, factories, unit) -> None:
    _questionnaires(db_session, factories, unit)
    # Nine of Charlie's ten answered "I felt safe".
    for response in FeedbackResponse.query.filter(
        FeedbackResponse.practitioner_id.in_([p.id for p in unit.people[9:]])
    ).limit(9):
        response.felt_safe = "yes"
    db_session.flush()
    table = feedback_table({unit.teams["C"].id}, TODAY)
    safe = table.rows[0].figures["felt_safe"]
    assert (safe.n, safe.hidden, safe.reason) == (9, True, "primary")
    assert not table.rows[0].figures["listened_to"].hidden
    # On 30 September 2027 the October 2026 questionnaires are still within the year...
    assert feedback_table({unit.teams["A"].id}, date(2027, 9, 30)).total.figures[RESPONSES].n == 12
    # ... and a week later they are not.
    assert feedback_table({unit.teams["A"].id}, date(2027, 10, 5)) is None


def test_no_feedback_gives_no_table(db_session, unit) -> None:
    assert feedback_table({t.id for t in unit.teams.values()}, TODAY) is None
    assert feedback_table(set(), TODAY) is None


def test_the_oversight_page_shows_the_table_as_decided(client, db_session, factories, unit) -> None:
    _questionnaires(db_session, factories, unit)
    client.sign_in(unit.leader.email)
    page = client.get_page("/analytics/oversight/")
    rows = {r[0]: r[1:] for r in page.table_rows("#feedback")}
    # Questionnaires, then "I felt listened to" first of the questions.
    assert rows["Alpha"][:2] == ["hidden", "hidden"]
    assert rows["Bravo"][:2] == ["too few", "too few"]
    assert rows["Charlie"][:2] == ["10", "50% (10)"]
    assert rows["Everyone in view"][:2] == ["33", "76% (33)"]
    assert "fewer than 10 people answered" in page.text


def test_the_oversight_page_says_when_there_is_no_feedback(client, unit) -> None:
    client.sign_in(unit.leader.email)
    page = client.get_page("/analytics/oversight/")
    assert page.soup.select_one("#feedback-none") is not None
