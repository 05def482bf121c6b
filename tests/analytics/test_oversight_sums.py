"""The oversight page's figures added up in the database, against the same kept rows read
and added up one by one: random case-audit cells and moderation sums, with many small and
equal counts, over two regions of PDUs and teams, for a team, a PDU, a region and all."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from learning_app.accounts.constants import Grade
from learning_app.analytics import audits, kept, moderation, oversight
from learning_app.analytics.models import AuditCell, ModerationCell
from learning_app.core.time import london_today
from learning_app.extensions import db
from learning_app.framework.models import Skill
from learning_app.observations.models import FocusCampaign, Observation, ObservationStatus
from learning_app.org.models import Team
from learning_app.profiles.evidence import EVIDENCE_STATUSES as SHARED
from tests.evidence_helpers import EvidenceRows

KINDS = [t.value for t in audits.AUDIT_TYPES]
KEYS = [audits.AUDITS, "da_enquiries", "court_da_enquiries", "reviewing_risk"]


def _units(factories, seed: int) -> list[set[int]]:
    """Two regions (three PDUs of 1 to 3 teams): each team, PDU and region, and all."""
    rng = random.Random(seed)
    views: list[set[int]] = []
    for r in range(2):
        region = factories.region(f"Region {r} {seed}")
        in_region: set[int] = set()
        for p in range(1 + r):
            pdu = factories.pdu(region, f"PDU {r} {p} {seed}")
            teams = {factories.team(pdu, f"Team {r} {p} {t} {seed}").id for t in range(1, 4)}
            teams = set(sorted(teams)[: rng.randrange(1, 4)])
            views += [{t} for t in teams] + [teams]
            in_region |= teams
        views.append(in_region)
    views.append(set().union(*views))
    return views


@pytest.mark.parametrize("seed", range(5))
def test_audit_sums_added_up_in_the_database_are_the_cells_added_up(
    db_session, factories, seed
) -> None:
    rng = random.Random(seed)
    views = _units(factories, seed)
    everyone = views[-1]
    today = london_today()
    quarters = audits.quarters_to(today)
    rows = []
    for team in sorted(everyone):
        for quarter in [*quarters, "2001-Q1"]:  # a quarter too old to count
            for kind in KINDS:
                for key in KEYS:
                    if rng.random() < 0.4:
                        continue
                    answered = rng.randrange(4)
                    rows.append(
                        AuditCell(
                            team_id=team,
                            quarter=quarter,
                            kind=kind,
                            question_key=key,
                            audits=rng.randrange(1, 4) if key == audits.AUDITS else 0,
                            yes=rng.randrange(answered + 1),
                            answered=answered,
                            people=rng.randrange(1, answered + 2),
                        )
                    )
    db_session.add_all(rows)
    kept.record(audits=True)
    for view in views:
        found = audits.sums(view, everyone, today)
        expected = audits.sums_of(audits.cells(everyone, today), view)
        assert found == expected
        assert found.audits and found.tallies and found.answering
    # The figures of a past date are worked out from the answers (there are none here).
    assert audits.sums(everyone, everyone, today - timedelta(days=400)) == audits.Sums()


def _observer_means_one_by_one(cells, team_ids):
    """``moderation.observer_means`` from the kept rows, added up in Python."""
    by_skill: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for team, observer, role, skill, level_sum, ratings in cells:
        if team in team_ids:
            found = by_skill[(observer, role, skill)]
            found[0] += level_sum
            found[1] += ratings
    skill_sums: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for (_observer, _role, skill), (level_sum, ratings) in by_skill.items():
        skill_sums[skill][0] += level_sum
        skill_sums[skill][1] += ratings
    result: dict[tuple, list] = defaultdict(lambda: [0, 0, 0.0])
    for (observer, role, skill), (level_sum, ratings) in by_skill.items():
        level, count = skill_sums[skill]
        row = result[(observer, role)]
        row[0] += ratings
        row[1] += level_sum
        row[2] += ratings * (level / count)
    return result


@pytest.mark.parametrize("seed", range(5))
def test_observer_means_added_up_in_the_database_are_the_sums_added_up(
    db_session, factories, published_framework, seed
) -> None:
    rng = random.Random(seed)
    views = _units(factories, seed)
    everyone = sorted(views[-1])
    skills = list(db.session.scalars(select(Skill.id).order_by(Skill.id)))[:4]
    observers = [factories.user(grade=Grade.OTHER, role=None).id for _ in range(6)]
    cells = []
    for team in everyone:
        for observer in rng.sample(observers, 3):
            for role in ("spo", "qdo"):
                for skill in skills:
                    if rng.random() < 0.5:
                        continue
                    ratings = rng.randrange(1, 4)
                    level_sum = sum(rng.randrange(1, 5) for _ in range(ratings))
                    cells.append((team, observer, role, skill, level_sum, ratings))
    columns = ["team_id", "observer_id", "observer_role", "skill_id", "level_sum", "ratings"]
    db_session.add_all(ModerationCell(**dict(zip(columns, c, strict=True))) for c in cells)
    today = london_today()
    kept.record(moderation_since=moderation.window_start(today))
    db_session.flush()
    for view in views:
        expected = _observer_means_one_by_one(cells, view)
        found = moderation.observer_means(view, today)
        assert len(found) == len(expected) > 0
        for observer, role, ratings, level_sum, unit in found:
            want = expected[(observer, role)]
            assert (int(ratings), int(level_sum)) == (want[0], want[1])
            assert float(unit) == pytest.approx(want[2], rel=1e-12)


def _campaign_rows_one_by_one(team_ids, today):
    """``oversight.campaign_rows`` with the practitioners read one by one and counted."""

    def people(teams):
        return dict(db.session.execute(oversight._practitioners(teams)).tuples().all())

    rows = []
    for row in oversight.campaign_rows(team_ids, today):
        campaign = db.session.get(FocusCampaign, row.campaign_id)
        groups = oversight.SmallGroups.of_unit(campaign.unit)
        per_team: dict[int, int] = defaultdict(int)
        for team_id in people(groups.places).values():
            per_team[team_id] += 1
        figure = groups.figure(per_team, team_ids)
        members = {p for p, t in people(team_ids).items() if t in groups.places}
        observed = set()
        for observation in db.session.scalars(select(Observation)):
            rated = any(
                not r.superseded and r.level is not None and r.skill.slug == campaign.skill_slug
                for r in observation.ratings
            )
            if (
                observation.practitioner_id in members
                and observation.status in SHARED
                and campaign.starts_on <= observation.observed_on <= campaign.ends_on
                and (observation.focus_campaign_id == campaign.id or rated)
            ):
                observed.add(observation.practitioner_id)
        hidden = figure.hidden
        rows.append(
            (
                None if hidden else len(members),
                None if hidden else len(observed),
                figure.reason if hidden else None,
            )
        )
    return rows


@pytest.mark.parametrize("seed", range(5))
def test_campaign_coverage_counted_in_the_database_is_the_people_counted(
    db_session, factories, published_framework, seed
) -> None:
    rng = random.Random(seed)
    views = _units(factories, seed)
    everyone = sorted(views[-1])
    today = date(2026, 11, 15)
    e = EvidenceRows(db_session, published_framework)
    observer = factories.user(grade=Grade.OTHER, role=None)
    slugs = sorted(e.skills)[:2]
    teams = {t.id: t for t in db.session.scalars(select(Team).where(Team.id.in_(everyone)))}
    campaigns = []
    for unit in [teams[everyone[0]], teams[everyone[-1]].pdu, teams[everyone[0]].pdu.region]:
        campaign = FocusCampaign(
            skill_slug=rng.choice(slugs),
            reason="Review",
            starts_on=date(2026, 10, 1),
            ends_on=date(2026, 10, 31),
        )
        campaign.set_unit(unit)
        campaigns.append(campaign)
    db_session.add_all(campaigns)
    db_session.flush()
    for team in everyone:
        for _ in range(rng.randrange(4, 12)):
            person = factories.user(team=teams[team], active=rng.random() < 0.9)
            for _ in range(rng.randrange(1, 4)):
                day = date(2026, 10, rng.randrange(1, 32)) if rng.random() < 0.8 else today
                observation = e.add_observation(
                    person,
                    observer,
                    day,
                    {rng.choice(slugs): rng.choice((1, 2, 3, None))},
                    status=ObservationStatus.SHARED
                    if rng.random() < 0.7
                    else rng.choice(list(ObservationStatus)),
                )
                if rng.random() < 0.3:
                    observation.focus_campaign_id = rng.choice(campaigns).id
    db_session.flush()
    shown = []
    for view in views:
        found = oversight.campaign_rows(view, today)
        assert [(r.practitioners, r.observed, r.hidden) for r in found] == (
            _campaign_rows_one_by_one(view, today)
        )
        shown += [r.observed for r in found if r.hidden is None]
    assert any(shown)
