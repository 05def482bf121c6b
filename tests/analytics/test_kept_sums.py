"""The kept sums of the oversight page (observer moderation, case-audit rates): the same
figures as the ratings and answers give, kept current by every change that moves them,
and not trusted until written, or when they are for another moderation window."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import delete, select

from learning_app.accounts.constants import Grade, Role
from learning_app.accounts.models import User
from learning_app.admin.user_services import deactivate_user, reactivate_user, remove_role
from learning_app.analytics import audits, moderation, oversight
from learning_app.analytics.models import AnalyticsCell, AuditCell, KeptSums, ModerationCell
from learning_app.core.time import london_today
from learning_app.observations.amendments import AmendmentInput, amend_observation
from learning_app.observations.models import Observation, ObservationStatus, ObservationType
from learning_app.observations.services import share_observation
from learning_app.org.models import Team
from learning_app.org.services import move_to_team
from learning_app.profiles.services import refresh_profiles
from tests.evidence_helpers import EvidenceRows
from tests.observations.conftest import valid_details_for

AUDIT = ObservationType.CASE_AUDIT
SAFE = "safeguarding-enquiries"
ROSH = "rosh-analysis"


@pytest.mark.parametrize(
    ("today", "since"),
    [
        (date(2026, 12, 3), date(2026, 1, 1)),
        (date(2026, 1, 31), date(2025, 2, 1)),
        (date(2026, 11, 1), date(2025, 12, 1)),
    ],
)
def test_the_window_is_this_month_and_the_eleven_before(today, since) -> None:
    assert moderation.window_start(today) == since


@dataclass
class Unit:
    team_a: Team
    team_b: Team
    ann: User  # team A
    bob: User  # team B
    spo: User
    qdo: User
    admin: User
    evidence: EvidenceRows
    today: date


@pytest.fixture
def u(db_session, factories, published_framework) -> Unit:
    f = factories
    pdu = f.pdu(name="North")
    team_a, team_b = f.team(pdu, "Team A"), f.team(pdu, "Team B")
    ann, bob = f.user(team=team_a, name="Ann Able"), f.user(team=team_b, name="Bob Best")
    spo = f.spo(team_a, name="Sam Spo")
    qdo = f.user(role=Role.QDO, scope=pdu, grade=Grade.OTHER, name="Quinn Qdo")
    admin = f.user(role=Role.ADMIN, grade=Grade.OTHER)
    today = london_today()
    since = moderation.window_start(today)
    e = EvidenceRows(db_session, published_framework)
    e.add_observation(ann, spo, today, {SAFE: 3, ROSH: 2})
    e.add_observation(bob, qdo, since, {SAFE: 1})  # the first day of the window counts
    e.add_observation(bob, qdo, since - timedelta(days=1), {SAFE: 4})  # the day before: not
    e.add_observation(
        bob,
        qdo,
        today,
        {ROSH: 4},
        status=ObservationStatus.DRAFT,
    ).details = valid_details_for(ObservationType.SUPERVISION)
    first_day = audits.quarter_start(audits.quarters_to(today)[0])
    e.add_observation(
        ann,
        spo,
        today,
        type=AUDIT,
        answers=[
            ("da_enquiries", SAFE, "yes"),
            ("oversight_sufficient", "management-oversight", "no"),
            ("child_safeguarding_enquiries", SAFE, "na"),
        ],
    )
    e.add_observation(bob, qdo, first_day, type=AUDIT, answers=[("da_enquiries", SAFE, "no")])
    e.add_observation(
        bob, qdo, first_day - timedelta(days=1), type=AUDIT, answers=[("da_enquiries", SAFE, "yes")]
    )
    e.add_observation(
        bob,
        qdo,
        today,
        type=AUDIT,
        status=ObservationStatus.DRAFT,
        answers=[("da_enquiries", SAFE, "yes")],
    ).details = valid_details_for(AUDIT)
    moderation.refresh_all(today)
    audits.refresh_all(today)
    return Unit(team_a, team_b, ann, bob, spo, qdo, admin, e, today)


def figures(u: Unit, teams) -> dict[str, tuple]:
    """Each observer's (ratings, mean, unit mean) by name."""
    return {
        r.name: (r.ratings, round(r.mean, 6), round(r.unit_mean, 6))
        for r in oversight.moderation_rows({t.id for t in teams}, u.today)
    }


def from_ratings(db_session, u: Unit, teams) -> dict[str, tuple]:
    """``figures`` added up from the ratings: the kept window made another month's."""
    window = db_session.get(KeptSums, 1)
    kept, window.moderation_since = window.moderation_since, date(2000, 1, 1)
    db_session.flush()
    try:
        return figures(u, teams)
    finally:
        window.moderation_since = kept
        db_session.flush()


def both_ways(db_session, u: Unit, teams) -> dict[str, tuple]:
    kept = figures(u, teams)
    assert kept == from_ratings(db_session, u, teams)
    return kept


def test_the_kept_rows_give_the_figures_the_ratings_give(db_session, u) -> None:
    # Sam: safeguarding 3, rosh 2 (Ann). Quinn: safeguarding 1 (Bob).
    # Unit means: safeguarding (3 + 1) / 2 = 2, rosh 2.
    assert both_ways(db_session, u, [u.team_a, u.team_b]) == {
        "Sam Spo": (2, 2.5, 2.0),
        "Quinn Qdo": (1, 1.0, 2.0),
    }
    assert both_ways(db_session, u, [u.team_a]) == {"Sam Spo": (2, 2.5, 2.5)}
    # The page reads the kept rows: a kept sum changed by hand shows.
    cell = db_session.scalars(select(ModerationCell).where(ModerationCell.team_id == u.team_b.id))
    cell.one().level_sum = 3
    db_session.flush()
    assert figures(u, [u.team_b]) == {"Quinn Qdo": (1, 3.0, 3.0)}
    assert from_ratings(db_session, u, [u.team_b]) == {"Quinn Qdo": (1, 1.0, 1.0)}


def test_a_past_date_adds_up_the_ratings_to_that_date(db_session, u) -> None:
    u.today = u.today - timedelta(days=1)
    rows = figures(u, [u.team_a, u.team_b])
    # Sam's ratings today are after that date.
    assert "Sam Spo" not in rows


def test_sharing_and_amending_keep_the_rows_current(db_session, u) -> None:
    draft = db_session.scalars(
        select(Observation).where(
            Observation.status == ObservationStatus.DRAFT.value,
            Observation.type == ObservationType.SUPERVISION.value,
        )
    ).one()
    share_observation(u.qdo, draft, datetime.now(UTC))
    # Quinn on Bob: safeguarding 1, rosh 4.
    assert both_ways(db_session, u, [u.team_b])["Quinn Qdo"] == (2, 2.5, 2.5)
    amend_observation(
        u.qdo, draft, AmendmentInput(reason="Misread", ratings={ROSH: 3}), datetime.now(UTC)
    )
    assert both_ways(db_session, u, [u.team_b])["Quinn Qdo"] == (2, 2.0, 2.0)
    # Unit means: safeguarding (3 + 1) / 2 = 2, rosh (2 + 3) / 2 = 2.5.
    assert both_ways(db_session, u, [u.team_a, u.team_b]) == {
        "Sam Spo": (2, 2.5, 2.25),
        "Quinn Qdo": (2, 2.0, 2.25),
    }


def test_moves_and_changes_of_who_is_a_practitioner_keep_the_rows_current(db_session, u) -> None:
    move_to_team(u.ann, u.team_b, u.admin, u.today)
    assert both_ways(db_session, u, [u.team_a]) == {}
    assert both_ways(db_session, u, [u.team_b])["Sam Spo"] == (2, 2.5, 2.0)

    deactivate_user(u.admin, u.bob)
    assert "Quinn Qdo" not in both_ways(db_session, u, [u.team_b])
    reactivate_user(u.admin, u.bob)
    assert both_ways(db_session, u, [u.team_b])["Quinn Qdo"] == (1, 1.0, 2.0)

    (role,) = [a for a in u.bob.role_assignments if a.role == Role.PRACTITIONER]
    remove_role(u.admin, u.bob, role)
    assert "Quinn Qdo" not in both_ways(db_session, u, [u.team_b])


def on_the_heatmap(db_session, u: Unit) -> Callable[..., int]:
    """Ann's profiles and the rollups written, and a count of the heatmap's people of a
    team (of one grade) on the first skill."""
    from learning_app.analytics.rollups import refresh_all

    refresh_profiles(u.ann, None, as_of=u.today)
    refresh_all(u.today)

    def people(team: Team, grade: Grade | None = None) -> int:
        conditions = [AnalyticsCell.team_id == team.id, AnalyticsCell.skill_slug == SAFE]
        if grade is not None:
            conditions.append(AnalyticsCell.grade == grade.value)
        return sum(db_session.scalars(select(AnalyticsCell.people).where(*conditions)))

    return people


def test_a_move_also_moves_the_practitioner_on_the_heatmap(db_session, u) -> None:
    people = on_the_heatmap(db_session, u)
    before = people(u.team_b)
    move_to_team(u.ann, u.team_b, u.admin, u.today)
    assert (people(u.team_a), people(u.team_b)) == (0, before + 1)


def test_rows_kept_for_another_window_are_neither_written_nor_read(db_session, u) -> None:
    window = db_session.get(KeptSums, 1)
    window.moderation_since = moderation.window_start(u.today - timedelta(days=40))
    db_session.flush()
    kept = {
        (c.team_id, c.observer_id, c.skill_id): (c.level_sum, c.ratings)
        for c in db_session.scalars(select(ModerationCell))
    }
    move_to_team(u.ann, u.team_b, u.admin, u.today)
    assert {
        (c.team_id, c.observer_id, c.skill_id): (c.level_sum, c.ratings)
        for c in db_session.scalars(select(ModerationCell))
    } == kept
    # The figures come from the ratings, so the move shows all the same.
    assert figures(u, [u.team_a]) == {}
    # The nightly refresh writes this month's window again.
    moderation.refresh_all(u.today)
    assert db_session.get(KeptSums, 1).moderation_since == moderation.window_start(u.today)
    assert {c.team_id for c in db_session.scalars(select(ModerationCell))} == {u.team_b.id}


# Case audits -------------------------------------------------------------------------------


def audit_cells(db_session, u: Unit, teams) -> dict:
    """The kept cells of ``teams``, checked against the cells worked out from the answers,
    and the oversight page's rates against those it shows when nothing is kept."""
    ids = {t.id for t in teams}
    kept = audits.cells(ids, u.today)
    first_day = audits.quarter_start(audits.quarters_to(u.today)[0])
    assert kept == audits._counted(ids, first_day, u.today)
    shown = oversight.audit_rates(ids, u.today)
    written = db_session.get(KeptSums, 1)
    written.audits = False
    db_session.flush()
    try:
        assert oversight.audit_rates(ids, u.today) == shown
    finally:
        written.audits = True
        db_session.flush()
    return kept


def test_the_kept_audit_cells_give_the_figures_the_answers_give(db_session, u) -> None:
    now = audits.quarters_to(u.today)[-1]
    first = audits.quarters_to(u.today)[0]
    a, b, kind = u.team_a.id, u.team_b.id, AUDIT.value
    # [audits, yes, yes-or-no answers, practitioners answering]
    assert audit_cells(db_session, u, [u.team_a, u.team_b]) == {
        (a, now, kind, ""): [1, 0, 0, 0],
        (a, now, kind, "da_enquiries"): [0, 1, 1, 1],
        (a, now, kind, "oversight_sufficient"): [0, 0, 1, 1],
        (b, first, kind, ""): [1, 0, 0, 0],
        (b, first, kind, "da_enquiries"): [0, 0, 1, 1],
    }
    # The page reads the kept rows: a kept figure changed by hand shows.
    cell = db_session.get(AuditCell, (a, now, kind, ""))
    cell.audits = 7
    db_session.flush()
    (case_audits, _court) = oversight.audit_rates({a}, u.today)
    assert case_audits.audits[now] == 7


def test_sharing_amending_and_moving_keep_the_audit_cells_current(db_session, u) -> None:
    now = audits.quarters_to(u.today)[-1]
    b, kind = u.team_b.id, AUDIT.value
    draft = db_session.scalars(
        select(Observation).where(
            Observation.status == ObservationStatus.DRAFT.value, Observation.type == kind
        )
    ).one()
    share_observation(u.qdo, draft, datetime.now(UTC))
    cells = audit_cells(db_session, u, [u.team_b])
    assert cells[(b, now, kind, "da_enquiries")] == [0, 1, 1, 1]
    amend_observation(
        u.qdo,
        draft,
        AmendmentInput(reason="Misread", answers={"da_enquiries": "no"}),
        datetime.now(UTC),
    )
    assert audit_cells(db_session, u, [u.team_b])[(b, now, kind, "da_enquiries")] == [0, 0, 1, 1]
    move_to_team(u.ann, u.team_b, u.admin, u.today)
    assert audit_cells(db_session, u, [u.team_a]) == {}
    cells = audit_cells(db_session, u, [u.team_b])
    # Ann and Bob both answered this quarter: two practitioners, two answers.
    assert cells[(b, now, kind, "da_enquiries")] == [0, 1, 2, 2]
    assert cells[(b, now, kind, "")] == [2, 0, 0, 0]
    deactivate_user(u.admin, u.ann)
    assert audit_cells(db_session, u, [u.team_b])[(b, now, kind, "")] == [1, 0, 0, 0]


def test_audit_cells_not_yet_written_are_neither_updated_nor_read(db_session, u) -> None:
    db_session.execute(delete(AuditCell))
    db_session.get(KeptSums, 1).audits = False
    db_session.flush()
    move_to_team(u.ann, u.team_b, u.admin, u.today)
    assert db_session.scalars(select(AuditCell)).all() == []
    # Worked out from the answers instead: Ann's audit is now Team B's.
    now = audits.quarters_to(u.today)[-1]
    found = audits.cells({u.team_b.id}, u.today)
    assert found[(u.team_b.id, now, AUDIT.value, "")] == [1, 0, 0, 0]


def test_a_change_of_grade_moves_the_practitioner_on_the_heatmap_now(db_session, u) -> None:
    from learning_app.admin.user_services import UserDetails, update_user

    count = on_the_heatmap(db_session, u)

    def people(grade: Grade) -> int:
        return count(u.team_a, grade)

    assert (people(Grade.PO), people(Grade.PSO)) == (1, 0)
    details = UserDetails(u.ann.name, u.ann.email, Grade.PSO, u.team_a, u.ann.started_on, None)
    update_user(u.admin, u.ann, details, u.today)
    assert (people(Grade.PO), people(Grade.PSO)) == (0, 1)
