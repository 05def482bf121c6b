"""``flask seed-demo`` leaves the heatmap's rollups matching the profiles, and a snapshot."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from flask import Flask
from sqlalchemy import func, select

from learning_app.analytics.heatmap import build_unit_heatmap, priorities
from learning_app.analytics.models import LIVE, AnalyticsCell
from learning_app.org.models import Pdu, Team
from learning_app.profiles.models import SkillProfileRecord
from tests.demo.reflective_seed_helpers import seed_once

DAY = date(2026, 7, 1)


@pytest.fixture(scope="module")
def seeded(app: Flask) -> Iterator[tuple]:
    yield from seed_once(app, DAY)


def test_the_rollups_count_every_practitioner_profile(seeded) -> None:
    session, _summary, _day = seeded
    live = session.scalar(
        select(func.sum(AnalyticsCell.people)).where(AnalyticsCell.period == LIVE)
    )
    profiles = session.scalar(select(func.count()).select_from(SkillProfileRecord))
    assert live == profiles == 110 * 17
    snapshot = session.scalar(
        select(func.sum(AnalyticsCell.people)).where(AnalyticsCell.period == "2026-Q3")
    )
    assert snapshot == live


def test_the_demo_gaps_lead_the_summary(seeded) -> None:
    session, _summary, _day = seeded
    pdu = session.scalars(select(Pdu)).one()
    teams = set(session.scalars(select(Team.id)))
    heatmap = build_unit_heatmap(pdu, teams)
    assert len(heatmap.rows) == 10
    top = {p.column.slug for p in priorities(heatmap)}
    assert top & {"safeguarding-enquiries", "rosh-analysis", "professional-curiosity"}
    # Teams of 11 are shown: no cell of the demo is about fewer than 5 people.
    assert not heatmap.any_hidden
