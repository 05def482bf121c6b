"""The oversight record of a reflective discussion: the practitioner's proposal and
reflection, the SPO's record, both sign-offs, and the record an inspector reads.

Readable by the practitioner, the SPO holding the discussion and an SPO managing the
practitioner's team; everyone else gets 404, as does anyone asking to change a part
that is not theirs. Each change is one call to ``recording``, which writes the audit
event; the view commits and redirects (Post/Redirect/Get).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from learning_app.accounts.constants import Role
from learning_app.core import audit
from learning_app.core.policy import allow
from learning_app.core.requests import current_actor, show_refusal
from learning_app.core.time import london_today, utc_now
from learning_app.extensions import db
from learning_app.framework.models import LEVEL_NAMES
from learning_app.framework.queries import published_version
from learning_app.observations.queries import MAX_ID, skills_in_order
from learning_app.reflective import recording
from learning_app.reflective.access import can_see_case_reference, can_view_discussion
from learning_app.reflective.models import CaseEvent, Discussion, DiscussionStatus
from learning_app.reflective.recording_forms import (
    ProposalForm,
    ReflectionForm,
    SignOffForm,
    build_record_form,
    record_form_data,
)
from learning_app.reflective.rules import Rosh
from learning_app.reflective.services import DiscussionError

bp = Blueprint("discussion_records", __name__, url_prefix="/discussions")


def _discussion_or_404(discussion_id: int) -> Discussion:
    discussion = db.session.get(Discussion, discussion_id) if 0 < discussion_id <= MAX_ID else None
    if discussion is None or not can_view_discussion(current_actor(), discussion):
        abort(404)
    return discussion


def _practitioners_or_404(discussion_id: int) -> Discussion:
    discussion = _discussion_or_404(discussion_id)
    if current_actor().id != discussion.practitioner_id:
        abort(404)
    return discussion


def _holders_or_404(discussion_id: int) -> Discussion:
    discussion = _discussion_or_404(discussion_id)
    if current_actor().id != discussion.spo_id:
        abort(404)
    return discussion


def _done(discussion: Discussion, message: str) -> Response:
    db.session.commit()
    flash(message, "success")
    return redirect(url_for(".show", discussion_id=discussion.id))


def _unavailable(discussion: Discussion, heading: str, message: str) -> str:
    """A part that cannot be written now: say why, and link to the record."""
    return render_template(
        "reflective/record/unavailable.html",
        discussion=discussion,
        heading=heading,
        message=message,
    )


# What the pages show ------------------------------------------------------------------------


@dataclass(frozen=True)
class RatingRow:
    skill_name: str
    level_text: str


@dataclass(frozen=True)
class ActionRow:
    text: str
    owner: str
    due_on: object


@dataclass(frozen=True)
class RecordView:
    """The record in words, read once, so the templates run no queries."""

    discussion: Discussion
    model_label: str | None
    ratings: list[RatingRow]
    decisions: list[tuple[str, str]]
    actions: list[ActionRow]
    next_step: str
    case_event: CaseEvent | None
    case_event_rosh: str | None


def next_step(discussion: Discussion) -> str:
    """Where the record stands, in the fixed order of recording and signing."""
    d = discussion
    spo = d.spo.name if d.spo else "the SPO"
    if d.is_signed:
        return "Both have signed the record. It is read-only."
    if d.status in (DiscussionStatus.CANCELLED, DiscussionStatus.MISSED):
        return f"This discussion was {d.status_label.lower()}, so it has no record."
    if d.recorded_at is None:
        return f"Waiting for {spo} to record the discussion."
    if d.spo_signed_at is None:
        return f"Waiting for {spo} to check and sign the record."
    if not d.practitioner_reflection:
        return f"Waiting for {d.practitioner.name} to add their reflection and sign."
    return f"Waiting for {d.practitioner.name} to sign."


def recording_view(discussion: Discussion) -> RecordView:
    event = discussion.case_event
    names = {
        "practitioner": f"Practitioner ({discussion.practitioner.name})",
        "spo": f"SPO ({discussion.spo.name})" if discussion.spo else "SPO",
    }
    return RecordView(
        discussion=discussion,
        model_label=recording.MODEL_LABELS.get(discussion.reflective_model or ""),
        ratings=[
            RatingRow(
                r.skill.name,
                f"{r.level}: {LEVEL_NAMES[r.level]}" if r.level else "Discussed, not rated",
            )
            for r in discussion.ratings
        ],
        decisions=[(d.decision, d.rationale) for d in discussion.decisions],
        actions=[
            ActionRow(a.text, names.get(a.owner, a.owner), a.due_on) for a in discussion.actions
        ],
        next_step=next_step(discussion),
        case_event=event,
        case_event_rosh=Rosh.from_value(event.rosh_level).label if event else None,
    )


# Links for the discussion page and the record page ----------------------------------------


@dataclass(frozen=True)
class RecordLink:
    text: str
    href: str | None = None  # None: a sentence, not a link


@bp.app_template_global()
def record_links(discussion: Discussion) -> list[RecordLink]:
    """What the signed-in person can do with the record next, in the fixed order."""
    me = current_user
    d = discussion
    is_practitioner = me.id == d.practitioner_id
    is_holder = me.id == d.spo_id
    links: list[RecordLink] = []
    if is_practitioner and recording.proposal_open(d):
        verb = "Change" if d.proposal else "Write"
        links.append(
            RecordLink(
                f"{verb} your proposal", url_for("discussion_records.proposal", discussion_id=d.id)
            )
        )
    if is_holder and d.spo_signed_at is None and d.status in _RECORDABLE:
        opens_on = recording.recording_opens_on(d)
        if recording.recording_open(d, london_today()):
            verb = "Change the record" if d.recorded_at else "Record the discussion"
            links.append(RecordLink(verb, url_for("discussion_records.record", discussion_id=d.id)))
        elif opens_on is not None:
            links.append(RecordLink(f"You can record it from {opens_on.day} {opens_on:%B %Y}."))
    if is_holder and recording.spo_may_sign(d):
        links.append(
            RecordLink(
                "Sign off the record", url_for("discussion_records.sign_off", discussion_id=d.id)
            )
        )
    if is_practitioner and recording.reflection_open(d):
        verb = "Change" if d.practitioner_reflection else "Add"
        links.append(
            RecordLink(
                f"{verb} your reflection",
                url_for("discussion_records.reflection", discussion_id=d.id),
            )
        )
    if is_practitioner and recording.practitioner_may_sign(d):
        links.append(
            RecordLink(
                "Sign off the record", url_for("discussion_records.sign_off", discussion_id=d.id)
            )
        )
    if request.endpoint != "discussion_records.show":
        links.append(
            RecordLink(
                "View the oversight record", url_for("discussion_records.show", discussion_id=d.id)
            )
        )
    return links


_RECORDABLE = (DiscussionStatus.BOOKED, DiscussionStatus.RECORDED)


# The practitioner's proposal ----------------------------------------------------------------


@bp.route("/<int:discussion_id>/proposal", methods=["GET", "POST"])
@allow(Role.PRACTITIONER)
def proposal(discussion_id: int):
    discussion = _practitioners_or_404(discussion_id)
    if not recording.proposal_open(discussion):
        return _unavailable(
            discussion,
            "Your proposal",
            "Your proposal can no longer be changed: your SPO has recorded the discussion, "
            "or it is no longer booked.",
        )
    form = ProposalForm()
    if request.method == "GET":
        form.proposal.data = discussion.proposal
    if form.validate_on_submit():
        try:
            recording.save_proposal(current_actor(), discussion, form.proposal.data)
        except DiscussionError as error:
            show_refusal(form, error)
        else:
            return _done(discussion, "Your proposal has been saved. Your SPO can read it.")
    return render_template("reflective/record/proposal.html", form=form, discussion=discussion)


# The SPO's record --------------------------------------------------------------------------


@bp.route("/<int:discussion_id>/record", methods=["GET", "POST"])
@allow(Role.SPO)
def record(discussion_id: int):
    discussion = _holders_or_404(discussion_id)
    today = london_today()
    if discussion.spo_signed_at is not None:
        return _unavailable(
            discussion,
            "Record the discussion",
            "You have signed the record, so your part can no longer be changed.",
        )
    if not recording.recording_open(discussion, today):
        opens_on = recording.recording_opens_on(discussion)
        when = (
            f" from {opens_on.day} {opens_on:%B %Y}, the day it is booked for" if opens_on else ""
        )
        return _unavailable(
            discussion,
            "Record the discussion",
            f"This discussion cannot be recorded yet. You can record it{when}."
            if discussion.status == DiscussionStatus.BOOKED
            else "Only a booked discussion can be recorded.",
        )
    version = published_version()
    if version is None:
        return _unavailable(
            discussion,
            "Record the discussion",
            "The skills framework has not been published yet, so the discussion cannot be "
            "recorded. Ask an administrator to publish it.",
        )
    form = build_record_form(
        discussion,
        skills_in_order(version),
        today=today,
        booked_on=recording.booked_on(discussion),
        data=record_form_data(discussion)
        if request.method == "GET" and discussion.recorded_at
        else None,
    )
    if form.validate_on_submit():
        try:
            recording.record_discussion(
                current_actor(), discussion, form.to_input(), today=today, now=utc_now()
            )
        except DiscussionError as error:
            show_refusal(form, error)
        else:
            return _done(
                discussion,
                "The record has been saved. Check it, then sign it off: "
                f"{discussion.practitioner.name} can then add their reflection and sign.",
            )
    return render_template(
        "reflective/record/record.html", form=form, discussion=discussion, level_names=LEVEL_NAMES
    )


# The practitioner's reflection --------------------------------------------------------------


@bp.route("/<int:discussion_id>/reflection", methods=["GET", "POST"])
@allow(Role.PRACTITIONER)
def reflection(discussion_id: int):
    discussion = _practitioners_or_404(discussion_id)
    if not recording.reflection_open(discussion):
        return _unavailable(
            discussion,
            "Your reflection",
            "You have signed the record, so your reflection can no longer be changed."
            if discussion.practitioner_signed_at
            else "You can add your reflection once your SPO has recorded and signed the "
            "discussion.",
        )
    form = ReflectionForm()
    if request.method == "GET":
        form.reflection.data = discussion.practitioner_reflection
    if form.validate_on_submit():
        try:
            recording.save_reflection(current_actor(), discussion, form.reflection.data)
        except DiscussionError as error:
            show_refusal(form, error)
        else:
            return _done(
                discussion, "Your reflection has been saved. Sign off the record when ready."
            )
    return render_template(
        "reflective/record/reflection.html",
        form=form,
        discussion=discussion,
        view=recording_view(discussion),
    )


# Signing off --------------------------------------------------------------------------------


@bp.route("/<int:discussion_id>/sign-off", methods=["GET", "POST"])
@allow(Role.PRACTITIONER, Role.SPO)
def sign_off(discussion_id: int):
    discussion = _discussion_or_404(discussion_id)
    me = current_actor()
    as_spo = me.id == discussion.spo_id
    if not as_spo and me.id != discussion.practitioner_id:
        abort(404)
    may_sign = (
        recording.spo_may_sign(discussion)
        if as_spo
        else recording.practitioner_may_sign(discussion)
    )
    form = SignOffForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            recording.sign_off(me, discussion, now=utc_now())
        except DiscussionError as error:
            db.session.rollback()
            flash(error.message, "notice")
            return redirect(url_for(".show", discussion_id=discussion.id))
        if as_spo:
            return _done(
                discussion,
                f"You have signed the record. {discussion.practitioner.name} can now add "
                "their reflection and sign it.",
            )
        return _done(
            discussion,
            "You have both signed the record. It is now read-only and counts as a "
            "reflective discussion observation for the skills rated.",
        )
    if request.method == "POST":
        abort(400)
    return render_template(
        "reflective/record/sign_off.html",
        form=form,
        discussion=discussion,
        view=recording_view(discussion),
        as_spo=as_spo,
        may_sign=may_sign,
    )


# The record an inspector reads ---------------------------------------------------------------


@bp.route("/<int:discussion_id>/oversight-record")
@allow(Role.PRACTITIONER, Role.SPO)
def show(discussion_id: int):
    discussion = _discussion_or_404(discussion_id)
    me = current_actor()
    # Every view of another person's record is written to the audit log.
    if me.id not in (discussion.practitioner_id, discussion.spo_id):
        audit.record(me, "discussion.view", discussion)
        db.session.commit()
    observation_href = None
    if discussion.observation_id is not None:
        endpoint = (
            "development.observation"
            if me.id == discussion.practitioner_id
            else "observations.show"
        )
        observation_href = url_for(endpoint, observation_id=discussion.observation_id)
    return render_template(
        "reflective/record/show.html",
        discussion=discussion,
        view=recording_view(discussion),
        observation_href=observation_href,
        show_case_reference=discussion.case_event is not None
        and can_see_case_reference(me, discussion.case_event),
    )
