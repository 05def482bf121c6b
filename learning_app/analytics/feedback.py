"""Feedback from people on probation, by team, for the oversight page and the API.

The questionnaire is anonymous, and answers about a small group could still point to one
person on probation or one practitioner, so two thresholds apply (DOMAIN.md, suppression):
a figure is hidden when fewer than ``THRESHOLD_SENSITIVE`` (10) people answered it, or
when it is about fewer than ``THRESHOLD`` (5) practitioners. Each question's column adds up
to its total row, so secondary suppression works down the columns as on the heatmap.
Comments are never shown here: they belong to the practitioner's own page.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from learning_app.accounts.models import User
from learning_app.analytics.oversight import months_before
from learning_app.analytics.suppression import (
    THRESHOLD,
    THRESHOLD_SENSITIVE,
    Figure,
    hide_complements,
)
from learning_app.extensions import db
from learning_app.observations.models import FEEDBACK_ITEMS, FeedbackResponse
from learning_app.org.models import Team

FEEDBACK_MONTHS = 12
RESPONSES = "responses"


@dataclass
class FeedbackRow:
    key: str
    label: str
    practitioners: int
    # RESPONSES and each question's key -> a figure: % "yes" over the n who answered.
    figures: dict[str, Figure] = field(default_factory=dict)


@dataclass
class FeedbackTable:
    since: date
    rows: list[FeedbackRow]
    total: FeedbackRow
    items: tuple[tuple[str, str], ...] = FEEDBACK_ITEMS

    @property
    def any_hidden(self) -> bool:
        return any(f.hidden for row in [*self.rows, self.total] for f in row.figures.values())


def _row(key: str, label: str, responses: list[FeedbackResponse]) -> FeedbackRow:
    practitioners = len({r.practitioner_id for r in responses})
    figures = {RESPONSES: Figure(len(responses), float(len(responses)))}
    for item, _label in FEEDBACK_ITEMS:
        answers = [getattr(r, item) for r in responses if getattr(r, item) is not None]
        share = 100 * answers.count("yes") / len(answers) if answers else None
        figures[item] = Figure(len(answers), share)
    for figure in figures.values():
        too_few = 0 < figure.n < THRESHOLD_SENSITIVE or 0 < practitioners < THRESHOLD
        if too_few:
            figure.hidden, figure.reason = True, "primary"
    return FeedbackRow(key, label, practitioners, figures)


def feedback_table(team_ids: Collection[int], today: date) -> FeedbackTable | None:
    """Feedback received in the last 12 months about the practitioners now in ``team_ids``."""
    since = months_before(today, FEEDBACK_MONTHS)
    if not team_ids:
        return None
    found = db.session.execute(
        select(FeedbackResponse, User.team_id)
        .join(User, User.id == FeedbackResponse.practitioner_id)
        .where(User.team_id.in_(list(team_ids)), FeedbackResponse.received_on >= since)
    ).all()
    if not found:
        return None
    by_team: dict[int, list[FeedbackResponse]] = defaultdict(list)
    for response, team_id in found:
        by_team[team_id].append(response)
    names = dict(
        db.session.execute(select(Team.id, Team.name).where(Team.id.in_(list(by_team)))).all()
    )
    rows = [
        _row(str(team_id), names[team_id], responses)
        for team_id, responses in sorted(by_team.items(), key=lambda t: names[t[0]].lower())
    ]
    total = _row("all", "Everyone in view", [r for r, _team in found])
    every_row = [*rows, total]
    hide_complements([[row.figures[key] for row in every_row] for key in total.figures])
    return FeedbackTable(since, rows, total)
