"""Group reflective sessions: facilitators schedule, invite, cancel and record attendance;
invited practitioners see the session and accept or decline.

A facilitator (SPO, QDO or L&D lead) sees and manages only their own sessions; an invited
practitioner sees the session they were invited to, never the others' gaps. Anyone else
gets 404. The rules live in ``reflective.groups``; each view checks access, makes one
service call, commits and redirects with a banner (Post/Redirect/Get).
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from learning_app.accounts.constants import Role
from learning_app.core.forms import ConfirmForm
from learning_app.core.policy import allow
from learning_app.core.requests import current_actor, show_refusal
from learning_app.core.time import london_today, utc_now
from learning_app.core.wording import clock_time, long_date
from learning_app.extensions import db
from learning_app.framework import queries as framework_queries
from learning_app.reflective import group_queries as queries
from learning_app.reflective import groups
from learning_app.reflective.group_forms import AttendanceForm, InviteForm, ScheduleForm
from learning_app.reflective.groups import FACILITATOR_ROLES, GroupError
from learning_app.reflective.models import GroupSession

bp = Blueprint("group_sessions", __name__, url_prefix="/group-sessions")

EVERYONE = (Role.PRACTITIONER, *FACILITATOR_ROLES)


@bp.context_processor
def _helpers() -> dict:
    return {"clock": clock_time, "day": long_date, "skill_names": queries.skill_names}


def _name(session: GroupSession) -> str:
    """How banners name a session: "Title on Tuesday 14 April 2026"."""
    return f"{session.title} on {long_date(session.starts_at)}"


def _done(message: str, session: GroupSession) -> Response:
    db.session.commit()
    flash(message, "success")
    return redirect(url_for(".show", session_id=session.id))


def _own_session_or_404(session_id: int) -> GroupSession:
    """A session the signed-in facilitator runs."""
    session = queries.find_session(session_id)
    if session is None or session.facilitator_id != current_user.id:
        abort(404)
    return session


def _visible_session_or_404(session_id: int) -> GroupSession:
    """A session the signed-in person runs or was invited to."""
    session = queries.find_session(session_id)
    if session is None:
        abort(404)
    if session.facilitator_id != current_user.id and not any(
        i.practitioner_id == current_user.id for i in session.invitations
    ):
        abort(404)
    return session


# Lists -----------------------------------------------------------------------------------


@bp.route("/")
@allow(*EVERYONE)
def index():
    me = current_actor()
    now = utc_now()
    facilitator = groups.is_facilitator(me)
    practitioner = me.has_role(Role.PRACTITIONER)
    upcoming, past = queries.facilitated_by(me, now) if facilitator else ([], [])
    invited, invited_past = queries.invitations_for(me, now) if practitioner else ([], [])
    return render_template(
        "reflective/groups/index.html",
        facilitator=facilitator,
        practitioner=practitioner,
        upcoming=upcoming,
        past=past,
        invited=invited,
        invited_past=invited_past,
    )


# Scheduling ------------------------------------------------------------------------------


@bp.route("/new", methods=["GET", "POST"])
@allow(*FACILITATOR_ROLES)
def new():
    me = current_actor()
    skills = framework_queries.published_skills()
    pdus = queries.facilitator_pdus(me)
    form = ScheduleForm(pdus=pdus, skills=skills, today=london_today())
    if pdus and form.validate_on_submit():
        starts_at, ends_at = form.moments()
        try:
            session = groups.schedule_session(
                me,
                form.chosen_pdu(),
                form.title.data,
                form.theme_skills.data,
                form.places(),
                starts_at,
                ends_at,
                form.place.data,
                now=utc_now(),
                known_skills={s.slug for s in skills},
            )
        except GroupError as error:
            show_refusal(form, error)
        else:
            return _done(f"Group session scheduled: {_name(session)}", session)
    return render_template("reflective/groups/new.html", form=form, has_unit=bool(pdus))


# One session -----------------------------------------------------------------------------


@bp.route("/<int:session_id>")
@allow(*EVERYONE)
def show(session_id: int):
    return _show(_visible_session_or_404(session_id))


def _show(session: GroupSession, problem: str | None = None):
    now = utc_now()
    own = session.facilitator_id == current_user.id
    mine = next((i for i in session.invitations if i.practitioner_id == current_user.id), None)
    started = groups.has_started(session, now)
    cancelled = session.cancelled_at is not None
    return render_template(
        "reflective/groups/show.html",
        session=session,
        own=own,
        mine=mine,
        started=started,
        cancelled=cancelled,
        open=not started and not cancelled,
        places_left=groups.places_left(session),
        invitations=session.invitations if own else [],
        problem=problem,
    )


@bp.route("/<int:session_id>/accept", methods=["POST"])
@allow(Role.PRACTITIONER)
def accept(session_id: int):
    return _respond(session_id, accept=True)


@bp.route("/<int:session_id>/decline", methods=["POST"])
@allow(Role.PRACTITIONER)
def decline(session_id: int):
    return _respond(session_id, accept=False)


def _respond(session_id: int, *, accept: bool) -> Response | str:
    session = _visible_session_or_404(session_id)
    if queries.invitation_of(session, current_user.id) is None:
        abort(404)  # the facilitator cannot answer for anyone
    if not ConfirmForm().validate_on_submit():
        return _show(session, "Your answer could not be sent: try again")
    try:
        groups.respond(current_actor(), session, accept, now=utc_now())
    except GroupError as error:
        return _show(session, error.message)
    verb = "accepted" if accept else "declined"
    return _done(f"You {verb} the invitation to {_name(session)}", session)


# Managing a session ----------------------------------------------------------------------


@bp.route("/<int:session_id>/invite", methods=["GET", "POST"])
@allow(*FACILITATOR_ROLES)
def invite(session_id: int):
    session = _own_session_or_404(session_id)
    now = utc_now()
    invited = queries.invited_ids(session)
    found = queries.candidates(session)
    people = [
        (c.practitioner.id, c.practitioner.name, _gap_words(c))
        for c in found
        if c.practitioner.id not in invited
    ]
    places = groups.places_left(session)
    form = InviteForm(people=people, places=places)
    problem = None
    if session.cancelled_at is not None:
        problem = "This session has been cancelled"
    elif groups.has_started(session, now):
        problem = "This session has already started"
    if problem is None and form.validate_on_submit():
        try:
            made = groups.invite(current_actor(), session, form.practitioners.data, now=now)
        except GroupError as error:
            show_refusal(form, error)
        else:
            count = len(made)
            return _done(
                f"{count} {'person' if count == 1 else 'people'} invited to {_name(session)}",
                session,
            )
    return render_template(
        "reflective/groups/invite.html",
        session=session,
        form=form,
        places=places,
        already=[c for c in found if c.practitioner.id in invited],
        problem=problem,
    )


def _gap_words(candidate: queries.Candidate) -> str:
    """ "Team 3. Risk of serious harm analysis: gap 1.5 (level 1.5, target 3)"."""
    team = candidate.practitioner.team.name if candidate.practitioner.team else "No team"
    gaps = "; ".join(
        f"{g.skill}: gap {g.gap:.1f}"
        + (f" (level {g.level:.1f}, target {g.target})" if g.level is not None else "")
        for g in candidate.gaps
    )
    return f"{team}. {gaps}"


@bp.route("/<int:session_id>/cancel", methods=["GET", "POST"])
@allow(*FACILITATOR_ROLES)
def cancel(session_id: int):
    session = _own_session_or_404(session_id)
    now = utc_now()
    problem = None
    if session.cancelled_at is not None:
        problem = "This session has already been cancelled"
    elif groups.has_started(session, now):
        problem = "You cannot cancel a session that has already started"
    if problem is None and ConfirmForm().validate_on_submit():
        try:
            groups.cancel_session(current_actor(), session, now=now)
        except GroupError as error:
            problem = error.message
        else:
            return _done(f"Group session cancelled: {_name(session)}", session)
    return render_template(
        "reflective/groups/cancel.html",
        session=session,
        name=_name(session),
        taken=groups.places_taken(session),
        problem=problem,
        possible=problem is None,
    )


@bp.route("/<int:session_id>/attendance", methods=["GET", "POST"])
@allow(*FACILITATOR_ROLES)
def attendance(session_id: int):
    session = _own_session_or_404(session_id)
    now = utc_now()
    people = [(i.practitioner_id, i.practitioner.name) for i in session.invitations]
    form = AttendanceForm(people=people)
    problem = None
    if session.cancelled_at is not None:
        problem = "This session has been cancelled"
    elif not groups.has_started(session, now):
        problem = "You can record attendance once the session has started"
    elif not people:
        problem = "Nobody was invited to this session"
    if request.method == "GET":
        form.attended.data = [i.practitioner_id for i in session.invitations if i.attended]
    if problem is None and form.validate_on_submit():
        try:
            groups.record_attendance(current_actor(), session, form.attended.data or [], now=now)
        except GroupError as error:
            show_refusal(form, error)
        else:
            return _done(f"Attendance saved for {_name(session)}", session)
    return render_template(
        "reflective/groups/attendance.html", session=session, form=form, problem=problem
    )
