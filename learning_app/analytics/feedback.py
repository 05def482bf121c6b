"""Feedback from people on probation, by team, for the oversight page and the API.

The questionnaire is anonymous, and answers about a small group could still point to one
person on probation or one practitioner, so two thresholds apply (DOMAIN.md, suppression):
a figure is hidden when fewer than ``THRESHOLD_SENSITIVE`` (10) people answered it, or
when it is about fewer than ``THRESHOLD`` (5) practitioners. Each question's column adds up
to its total row, so secondary suppression works down the columns as on the heatmap.
Comments are never shown here: they belong to the practitioner's own page.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import case, func, select

from learning_app.accounts.models import User
from learning_app.analytics.oversight import SmallGroups, months_before
from learning_app.analytics.suppression import THRESHOLD_SENSITIVE, Figure
from learning_app.core.sql import among
from learning_app.extensions import db
from learning_app.observations.models import FEEDBACK_ITEMS, FeedbackResponse
from learning_app.org.models import Team

FEEDBACK_MONTHS = 12
RESPONSES = "responses"


def withheld(figure: Figure) -> str | None:
    """What the page says in place of a hidden figure."""
    if not figure.hidden:
        return None
    return "too few" if figure.reason == "primary" else "hidden"


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


@dataclass
class _Tally:
    practitioners: int = 0
    # RESPONSES and each question's key -> [yes, answered]
    counts: dict[str, list[int]] = field(default_factory=dict)


def _tallies(team_ids: Collection[int], since: date) -> dict[int, _Tally]:
    """Per team: practitioners with feedback, questionnaires, and each question's answers."""
    columns = [
        func.count(FeedbackResponse.id),
        func.count(func.distinct(FeedbackResponse.practitioner_id)),
    ]
    for item, _label in FEEDBACK_ITEMS:
        answer = getattr(FeedbackResponse, item)
        columns += [func.sum(case((answer == "yes", 1), else_=0)), func.count(answer)]
    rows = db.session.execute(
        select(User.team_id, *columns)
        .join(User, User.id == FeedbackResponse.practitioner_id)
        .where(among(User.team_id, team_ids), FeedbackResponse.received_on >= since)
        .group_by(User.team_id)
    )
    tallies = {}
    for team_id, responses, practitioners, *answers in rows:
        tally = _Tally(practitioners, {RESPONSES: [responses, responses]})
        for i, (item, _label) in enumerate(FEEDBACK_ITEMS):
            tally.counts[item] = [int(answers[2 * i] or 0), int(answers[2 * i + 1] or 0)]
        tallies[team_id] = tally
    return tallies


def _hidden(*figures: Figure) -> Figure | None:
    """The first of these decisions that hides, preferring a primary reason."""
    hidden = [f for f in figures if f.hidden]
    return min(hidden, key=lambda f: f.reason != "primary") if hidden else None


def _figure(key: str, yes: int, answered: int, *decisions: Figure) -> Figure:
    """% "yes" of those who answered; for RESPONSES, the number of questionnaires."""
    value: float | None = None
    if key == RESPONSES:
        value = float(answered)
    elif answered:
        value = 100 * yes / answered
    figure = Figure(answered, value)
    hiding = _hidden(*decisions)
    if hiding is not None:
        figure.hidden, figure.reason = True, hiding.reason
    return figure


def feedback_table(team_ids: Collection[int], today: date) -> FeedbackTable | None:
    """Feedback received in the last 12 months about the practitioners now in ``team_ids``.

    What is hidden is decided once for every team, PDU and region of the regions holding
    ``team_ids`` (``oversight.SmallGroups``), so a team's or a PDU's own view hides the
    same as every wider view, and no view less another gives a hidden figure away.
    """
    if not team_ids:
        return None
    since = months_before(today, FEEDBACK_MONTHS)
    staff = SmallGroups.of_regions(team_ids)
    answers = SmallGroups(staff.places, "region", THRESHOLD_SENSITIVE)
    tallies = _tallies(staff.places, since)
    shown = sorted(t for t in team_ids if t in tallies)
    if not shown:
        return None
    by_staff = staff.decide({t: tally.practitioners for t, tally in tallies.items()})
    staff_total = staff.view_figure(by_staff, team_ids)
    names = dict(db.session.execute(select(Team.id, Team.name).where(Team.id.in_(shown))).all())
    rows = {
        t: FeedbackRow(str(t), names[t], tallies[t].practitioners)
        for t in sorted(shown, key=lambda t: (names[t].lower(), t))
    }
    total = FeedbackRow("all", "Everyone in view", sum(r.practitioners for r in rows.values()))
    for key in [RESPONSES, *(item for item, _label in FEEDBACK_ITEMS)]:
        decision = answers.decide({t: tally.counts[key][1] for t, tally in tallies.items()})
        for t, row in rows.items():
            yes, answered = tallies[t].counts[key]
            row.figures[key] = _figure(key, yes, answered, by_staff.teams[t], decision.teams[t])
        total.figures[key] = _figure(
            key,
            sum(tallies[t].counts[key][0] for t in shown),
            sum(tallies[t].counts[key][1] for t in shown),
            staff_total,
            answers.view_figure(decision, team_ids),
        )
    return FeedbackTable(since, list(rows.values()), total)
