"""The SPO's "My team": the current practitioners of the teams they manage, sortable by
what needs attention, and a read-only view of each one's profile.

SPOs only, and only their own teams' practitioners: anyone else answers 404. Every
view of a practitioner's profile is written to the audit log (``profile.view``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Blueprint, abort, render_template, request, url_for
from flask_login import current_user

from learning_app.accounts.constants import Role
from learning_app.accounts.models import User
from learning_app.core import audit
from learning_app.core.policy import allow, manages, spo_team_ids
from learning_app.core.requests import current_actor
from learning_app.core.time import london_today
from learning_app.extensions import db
from learning_app.framework.models import LEVEL_NAMES, Skill
from learning_app.framework.queries import find_skill, published_version
from learning_app.observations import queries as observation_queries
from learning_app.profiles import page_queries
from learning_app.profiles import queries as profile_queries

bp = Blueprint("team", __name__, url_prefix="/my-team")

# The columns of the team table: sort key, heading, and the order a first click gives.
# Counts start with the largest, dates with the longest ago (never observed first).
COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("name", "Name", "asc"),
    ("gaps", "Skills below target", "desc"),
    ("blind_spots", "Blind spots", "desc"),
    ("evidence_gaps", "Evidence gaps", "desc"),
    ("unacknowledged", "Observations to acknowledge", "desc"),
    ("last_observed", "Last observed", "asc"),
)


@dataclass(frozen=True)
class Column:
    key: str
    heading: str
    href: str
    aria_sort: str | None  # "ascending" / "descending" on the sorted column only


@bp.context_processor
def profile_constants() -> dict[str, Any]:
    return {"level_names": LEVEL_NAMES}


def _team_member_or_404(user_id: int) -> User:
    """An active practitioner of one of the signed-in SPO's teams; anyone else is 404."""
    practitioner = page_queries.team_practitioner(user_id)
    if (
        practitioner is None
        or practitioner.id == current_user.id
        or not practitioner.active
        or not practitioner.has_role(Role.PRACTITIONER)
        or not manages(current_actor(), practitioner)
    ):
        abort(404)
    return practitioner


def _record_view(practitioner: User, **detail: Any) -> None:
    audit.record(current_actor(), "profile.view", practitioner, detail=detail or None)
    db.session.commit()


def _columns(sort: str, descending: bool) -> list[Column]:
    columns = []
    for key, heading, first_order in COLUMNS:
        if key == sort:
            order = "asc" if descending else "desc"
            aria = "descending" if descending else "ascending"
        else:
            order, aria = first_order, None
        columns.append(Column(key, heading, url_for("team.index", sort=key, order=order), aria))
    return columns


def observation_href(observation_id: int) -> str:
    """The observation's own page (the observations area: SPOs and QDOs)."""
    return url_for("observations.show", observation_id=observation_id)


# My team --------------------------------------------------------------------------------


@bp.route("/")
@allow(Role.SPO)
def index():
    me = current_actor()
    team_ids = spo_team_ids(me)
    sort = profile_queries.sort_key(request.args.get("sort"))
    default_order = next(order for key, _heading, order in COLUMNS if key == sort)
    order = request.args.get("order")
    descending = (order if order in ("asc", "desc") else default_order) == "desc"
    # An SPO who also holds the practitioner role is not their own team member here.
    rows = [r for r in profile_queries.team_overview(team_ids, london_today()) if r.id != me.id]
    return render_template(
        "team/index.html",
        rows=profile_queries.sort_members(rows, sort, descending),
        columns=_columns(sort, descending),
        several_teams=len({row.team_id for row in rows}) > 1,
    )


# One practitioner -----------------------------------------------------------------------


@bp.route("/practitioners/<int:user_id>")
@allow(Role.SPO)
def practitioner(user_id: int):
    member = _team_member_or_404(user_id)
    profile = profile_queries.practitioner_profile(member, london_today())
    observations = list(
        db.session.scalars(page_queries.observations_listed_for(current_actor(), member))
    )
    page = render_template(
        "team/practitioner.html",
        member=member,
        profile=profile,
        feedback=observation_queries.feedback_summary(member),
        observations=observations,
        skill_href=lambda slug: url_for("team.skill", user_id=member.id, slug=slug),
        observation_link=lambda o: observation_href(o.id),
    )
    _record_view(member)
    return page


@bp.route("/practitioners/<int:user_id>/skills/<slug>")
@allow(Role.SPO)
def skill(user_id: int, slug: str):
    member = _team_member_or_404(user_id)
    version = published_version()
    found: Skill | None = find_skill(version, slug) if version is not None else None
    if found is None:
        abort(404)
    profile = profile_queries.practitioner_profile(member, london_today())
    page = render_template(
        "team/skill.html",
        member=member,
        skill=found,
        profile=profile,
        row=next((r for r in profile.rows if r.skill.slug == found.slug), None),
        history=profile_queries.skill_history(member, found.slug),
        observation_href=observation_href,
    )
    _record_view(member, skill=found.slug)
    return page
