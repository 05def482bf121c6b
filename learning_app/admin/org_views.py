"""Admin pages for the organisation: regions, PDUs, teams, their SPOs and moves.

Every route is for admins only; anyone else gets 404. Each change is one service
call in ``learning_app.org.services``, which writes the audit event.
"""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for

from learning_app.accounts.constants import Role
from learning_app.accounts.models import User
from learning_app.admin.common import commit_and_redirect
from learning_app.admin.org_forms import AddSpoForm, MoveForm, PduForm, RegionForm, TeamForm
from learning_app.core.policy import allow
from learning_app.core.requests import current_actor, show_refusal
from learning_app.core.time import london_today
from learning_app.extensions import db
from learning_app.org import queries, services
from learning_app.org.models import Pdu, Region, Team

bp = Blueprint("admin_org", __name__, url_prefix="/admin/organisation")


def _query_id(name: str) -> int | None:
    """An id from the query string; anything that is not a number is ignored."""
    value = request.args.get(name, "")
    return int(value) if value.isdigit() else None


def _unit_form_page(form, heading: str, caption: str | None, back_url: str, **extra):
    return render_template(
        "admin/org/unit_form.html",
        form=form,
        heading=heading,
        caption=caption,
        back_url=back_url,
        **extra,
    )


# The tree -----------------------------------------------------------------------


@bp.route("/")
@allow(Role.ADMIN)
def index():
    return render_template("admin/org/index.html", tree=queries.organisation_tree())


# Regions ------------------------------------------------------------------------


@bp.route("/regions/new", methods=["GET", "POST"])
@allow(Role.ADMIN)
def new_region():
    form = RegionForm()
    if form.validate_on_submit():
        try:
            region = services.create_region(current_actor(), form.name.data)
        except services.OrgError as error:
            show_refusal(form, error)
        else:
            return commit_and_redirect(f"Region ‘{region.name}’ added", ".index")
    return _unit_form_page(form, "Add a region", None, url_for(".index"))


@bp.route("/regions/<int:region_id>/edit", methods=["GET", "POST"])
@allow(Role.ADMIN)
def edit_region(region_id: int):
    region = db.get_or_404(Region, region_id)
    form = RegionForm(obj=region)
    if form.validate_on_submit():
        try:
            services.rename_region(current_actor(), region, form.name.data)
        except services.OrgError as error:
            show_refusal(form, error)
        else:
            return commit_and_redirect(f"Region ‘{region.name}’ saved", ".index")
    return _unit_form_page(
        form,
        "Rename region",
        region.name,
        url_for(".index"),
        delete_url=_delete_url(region, ".delete_region", region_id=region.id),
        kind="region",
    )


@bp.route("/regions/<int:region_id>/delete", methods=["GET", "POST"])
@allow(Role.ADMIN)
def delete_region(region_id: int):
    return _delete(
        db.get_or_404(Region, region_id), "region", url_for(".edit_region", region_id=region_id)
    )


# PDUs ---------------------------------------------------------------------------


@bp.route("/pdus/new", methods=["GET", "POST"])
@allow(Role.ADMIN)
def new_pdu():
    form = PduForm(regions=queries.all_regions())
    if request.method == "GET":
        form.region_id.data = _query_id("region_id")
    if form.validate_on_submit():
        region = db.session.get(Region, form.region_id.data)
        try:
            pdu = services.create_pdu(current_actor(), region, form.name.data)
        except services.OrgError as error:
            show_refusal(form, error)
        else:
            return commit_and_redirect(f"PDU ‘{pdu.name}’ added to {region.name}", ".index")
    return _unit_form_page(form, "Add a PDU", None, url_for(".index"))


@bp.route("/pdus/<int:pdu_id>/edit", methods=["GET", "POST"])
@allow(Role.ADMIN)
def edit_pdu(pdu_id: int):
    pdu = db.get_or_404(Pdu, pdu_id)
    form = PduForm(obj=pdu, fixed_region=True)
    if form.validate_on_submit():
        try:
            services.rename_pdu(current_actor(), pdu, form.name.data)
        except services.OrgError as error:
            show_refusal(form, error)
        else:
            return commit_and_redirect(f"PDU ‘{pdu.name}’ saved", ".index")
    return _unit_form_page(
        form,
        "Rename PDU",
        f"{pdu.name}, {pdu.region.name}",
        url_for(".index"),
        delete_url=_delete_url(pdu, ".delete_pdu", pdu_id=pdu.id),
        kind="PDU",
    )


@bp.route("/pdus/<int:pdu_id>/delete", methods=["GET", "POST"])
@allow(Role.ADMIN)
def delete_pdu(pdu_id: int):
    return _delete(db.get_or_404(Pdu, pdu_id), "PDU", url_for(".edit_pdu", pdu_id=pdu_id))


# Teams --------------------------------------------------------------------------


@bp.route("/teams/new", methods=["GET", "POST"])
@allow(Role.ADMIN)
def new_team():
    form = TeamForm(pdus=queries.all_pdus())
    if request.method == "GET":
        form.pdu_id.data = _query_id("pdu_id")
    if form.validate_on_submit():
        pdu = db.session.get(Pdu, form.pdu_id.data)
        try:
            team = services.create_team(current_actor(), pdu, form.name.data, form.site.data)
        except services.OrgError as error:
            show_refusal(form, error)
        else:
            return commit_and_redirect(f"Team ‘{team.name}’ added", ".team", team_id=team.id)
    return _unit_form_page(form, "Add a team", None, url_for(".index"))


@bp.route("/teams/<int:team_id>")
@allow(Role.ADMIN)
def team(team_id: int):
    team = db.get_or_404(Team, team_id)
    return _team_page(team, AddSpoForm(candidates=queries.spo_candidates(team)))


def _team_page(team: Team, spo_form: AddSpoForm):
    return render_template(
        "admin/org/team.html",
        team=team,
        spos=queries.team_spos(team),
        members=queries.current_members(team),
        past_members=queries.past_members(team),
        form=spo_form,
        can_delete=not queries.unit_usage(team),
    )


@bp.route("/teams/<int:team_id>/edit", methods=["GET", "POST"])
@allow(Role.ADMIN)
def edit_team(team_id: int):
    team = db.get_or_404(Team, team_id)
    form = TeamForm(obj=team, pdus=queries.all_pdus())
    if form.validate_on_submit():
        pdu = db.session.get(Pdu, form.pdu_id.data)
        try:
            services.update_team(current_actor(), team, pdu, form.name.data, form.site.data)
        except services.OrgError as error:
            show_refusal(form, error)
        else:
            return commit_and_redirect(f"Team ‘{team.name}’ saved", ".team", team_id=team.id)
    return _unit_form_page(
        form, "Change team details", team.name, url_for(".team", team_id=team.id)
    )


@bp.route("/teams/<int:team_id>/delete", methods=["GET", "POST"])
@allow(Role.ADMIN)
def delete_team(team_id: int):
    return _delete(db.get_or_404(Team, team_id), "team", url_for(".team", team_id=team_id))


@bp.route("/teams/<int:team_id>/spos", methods=["POST"])
@allow(Role.ADMIN)
def add_spo(team_id: int):
    team = db.get_or_404(Team, team_id)
    form = AddSpoForm(candidates=queries.spo_candidates(team))
    if form.validate_on_submit():
        user = db.session.get(User, form.user_id.data)
        try:
            services.add_spo(current_actor(), team, user)
        except services.OrgError as error:
            show_refusal(form, error)
        else:
            return commit_and_redirect(
                f"{user.name} is now an SPO of {team.name}", ".team", team_id=team.id
            )
    return _team_page(team, form)


@bp.route("/teams/<int:team_id>/spos/<int:user_id>/remove", methods=["POST"])
@allow(Role.ADMIN)
def remove_spo(team_id: int, user_id: int):
    team = db.get_or_404(Team, team_id)
    user = db.get_or_404(User, user_id)
    if queries.spo_assignment(team, user.id) is None:
        abort(404)
    services.remove_spo(current_actor(), team, user)
    return commit_and_redirect(
        f"{user.name} is no longer an SPO of {team.name}", ".team", team_id=team.id
    )


# Moving a practitioner ----------------------------------------------------------


@bp.route("/teams/<int:team_id>/move", methods=["GET", "POST"])
@allow(Role.ADMIN)
def move(team_id: int):
    team = db.get_or_404(Team, team_id)
    members = [m.user for m in queries.current_members(team)]
    destinations = [t for t in queries.all_teams() if t.id != team.id]
    form = MoveForm(members=members, teams=destinations)
    if request.method == "GET":
        form.user_id.data = _query_id("user_id")
    if form.validate_on_submit():
        response = _move_or_confirm(form, team)
        if response is not None:
            return response
    return render_template("admin/org/move.html", team=team, form=form, has_members=bool(members))


def _move_or_confirm(form: MoveForm, team: Team):
    """Check a valid move form; show the confirmation, or make the move once confirmed.

    Returns None to show the form again (with errors, or to change the answers).
    """
    membership = queries.open_membership(form.user_id.data, team.id)
    today = london_today()
    moved_on = form.moved_on.data
    if membership is None:
        form.user_id.errors.append("Select a current member of this team")
        return None
    if moved_on > today:
        form.moved_on.errors.append("Date of the move must be today or in the past")
        return None
    if moved_on < membership.started_on:
        form.moved_on.errors.append(
            f"Date of the move must be on or after {membership.started_on.day}"
            f" {membership.started_on:%B %Y}, when they joined this team"
        )
        return None
    to_team = db.session.get(Team, form.to_team_id.data)
    if form.confirmed.data == "change":
        return None
    if form.confirmed.data != "yes":
        return render_template(
            "admin/org/move_confirm.html",
            team=team,
            form=form,
            user=membership.user,
            to_team=to_team,
            membership=membership,
        )
    user = membership.user
    try:
        services.move_to_team(user, to_team, current_actor(), moved_on)
    except services.TeamMoveError as error:
        form.moved_on.errors.append(str(error))
        return None
    return commit_and_redirect(f"{user.name} moved to {to_team.name}", ".team", team_id=team.id)


# Deleting an empty unit ---------------------------------------------------------


def _delete_url(unit: Region | Pdu | Team, endpoint: str, **args) -> str | None:
    """Where to delete ``unit``, offered only when nothing refers to it."""
    return None if queries.unit_usage(unit) else url_for(endpoint, **args)


def _delete(unit: Region | Pdu | Team, kind: str, back_url: str):
    reasons = queries.unit_usage(unit)
    if request.method == "POST" and not reasons:
        name = unit.name
        try:
            services.delete_unit(current_actor(), unit)
        except services.OrgError as error:
            reasons = [error.message]
        else:
            return commit_and_redirect(f"{kind[0].upper()}{kind[1:]} ‘{name}’ deleted", ".index")
    return render_template(
        "admin/org/delete.html", unit=unit, kind=kind, reasons=reasons, back_url=back_url
    )
