"""Pages under /analytics/oversight: a leader's or L&D lead's oversight of their units.

Readers see the units of their ``leader`` and ``ld_lead`` roles, narrowed with
``?unit=pdu-3`` (or ``region-1``, ``team-7``) exactly as on the training reports: a unit that
is unknown or outside their scope answers 404. Reflective-discussion coverage and overdue
counts are management information for the leaders of a unit (see
``reflective/oversight_views.py``), so that section shows only when every selected team is
inside the reader's ``leader`` scope.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import Blueprint, current_app, render_template

from learning_app.accounts.constants import Role
from learning_app.analytics import oversight
from learning_app.analytics.feedback import (
    FEEDBACK_MONTHS,
    FeedbackTable,
    feedback_table,
    withheld,
)
from learning_app.analytics.moderation import window_start
from learning_app.core.pagination import paginate_list
from learning_app.core.policy import allow
from learning_app.core.requests import current_actor
from learning_app.core.time import london_today
from learning_app.org.units import UnitSelection, scope_team_ids, unit_selection
from learning_app.reflective.oversight import Figures, unit_figures

READERS = (Role.LD_LEAD, Role.LEADER)

bp = Blueprint("analytics_oversight", __name__, url_prefix="/analytics/oversight")


@dataclass
class Oversight:
    """Every section of the page, as the page and the API show it."""

    audits: list[oversight.AuditRates]
    cycles: list[oversight.CycleRow]
    campaigns: list[oversight.CampaignRow]
    observers: list[oversight.ObserverRow]
    # None unless the reader leads every team in view.
    discussions: Figures | None
    feedback: FeedbackTable | None


def oversight_of(selection: UnitSelection, today: date) -> Oversight:
    team_ids = selection.team_ids
    discussions = None
    if team_ids and team_ids <= scope_team_ids(current_actor(), Role.LEADER):
        discussions = unit_figures(team_ids, today)
    return Oversight(
        audits=oversight.audit_rates(team_ids, today),
        cycles=oversight.cycle_rows(team_ids),
        campaigns=oversight.campaign_rows(team_ids, today),
        observers=oversight.moderation_rows(team_ids, today),
        discussions=discussions,
        feedback=feedback_table(team_ids, today),
    )


@bp.route("/")
@allow(*READERS)
def index():
    selection = unit_selection(*READERS)
    today = london_today()
    figures = oversight_of(selection, today)
    return render_template(
        "analytics/oversight.html",
        audits=figures.audits,
        cycles=figures.cycles,
        campaigns=figures.campaigns,
        observers=paginate_list(figures.observers, current_app.config["OBSERVERS_PER_PAGE"]),
        discussions=figures.discussions,
        feedback=figures.feedback,
        moderation_months=oversight.MODERATION_MONTHS,
        moderation_since=window_start(today),
        feedback_months=FEEDBACK_MONTHS,
        feedback_word=withheld,
        **selection.template_values(),
    )
