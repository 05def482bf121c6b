"""Case events: practitioners log their own work that used to need a countersignature,
and SPOs log it for a member of their team.

Logging one is one call to ``services.log_case_event``. When a rule in force applies, the
discussion it makes due is shown next (booked, or why it could not be booked yet);
otherwise the list says that no discussion is needed, and why.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from learning_app.accounts.constants import BAND_LABELS, BAND_ORDER, Band, Role
from learning_app.accounts.models import User
from learning_app.core.policy import allow
from learning_app.core.requests import current_actor, show_refusal
from learning_app.core.time import london_today, utc_now
from learning_app.core.wording import day_and_time, long_date
from learning_app.extensions import db
from learning_app.reflective import queries, rule_store, services
from learning_app.reflective.case_event_forms import CaseEventForm
from learning_app.reflective.models import Discussion, DiscussionStatus
from learning_app.reflective.placer import RiskReason
from learning_app.reflective.rules import CaseEventRule, Rosh

bp = Blueprint("case_events", __name__, url_prefix="/case-events")


def _logs_for_team(user: User) -> bool:
    return user.has_role(Role.SPO)


@bp.route("")
@allow(Role.PRACTITIONER, Role.SPO)
def index():
    me = current_actor()
    return render_template(
        "reflective/case_events/index.html",
        rows=queries.case_event_rows(me),
        for_team=_logs_for_team(me),
    )


@bp.route("/new", methods=["GET", "POST"])
@allow(Role.PRACTITIONER, Role.SPO)
def new():
    me = current_actor()
    today = london_today()
    rules = rule_store.current_rules()
    people = None
    if _logs_for_team(me):
        people = queries.team_practitioners(me)
        if me.has_role(Role.PRACTITIONER):
            people = [me, *people]
    form = CaseEventForm(rules=rules, today=today, practitioners=people)
    if form.validate_on_submit():
        practitioner = me
        if people is not None:
            practitioner = next((p for p in people if p.id == form.practitioner_id()), None)
            if practitioner is None:
                abort(404)
        data = form.to_input()
        try:
            event, discussion = services.log_case_event(
                me, practitioner, data, today=today, now=utc_now()
            )
        except services.DiscussionError as error:
            db.session.rollback()
            show_refusal(form, error)
        else:
            return _logged(practitioner, rules.case_event(data.event_type), data, discussion)
    return render_template(
        "reflective/case_events/new.html", form=form, for_team=people is not None
    )


def _logged(
    practitioner: User,
    rule: CaseEventRule | None,
    data: services.CaseEventInput,
    discussion: Discussion | None,
) -> Response:
    db.session.commit()
    if discussion is None:
        flash(
            "Case event logged. No reflective discussion is needed: "
            + why_no_discussion(rule, practitioner.band(london_today()), data.rosh_level),
            "success",
        )
        return redirect(url_for(".index"))
    flash(booking_message(discussion), "success")
    return redirect(url_for("discussions.show", discussion_id=discussion.id))


def booking_message(discussion: Discussion) -> str:
    """The banner after a discussion is made due: when and with whom, or why not yet."""
    if discussion.status == DiscussionStatus.BOOKED and discussion.spo is not None:
        return (
            f"Reflective discussion booked for {day_and_time(discussion.starts_at)} "
            f"with {discussion.spo.name}"
        )
    message = f"Reflective discussion due by {long_date(discussion.due_on)}. It is not booked yet"
    if discussion.at_risk_reason:
        message += ": " + RiskReason(discussion.at_risk_reason).sentence
    return message


def why_no_discussion(rule: CaseEventRule | None, band: Band | None, rosh_level: str) -> str:
    """Why the rules in force ask for no discussion after this event, in words."""
    if rule is None:
        return "this type of event is no longer in the rules."
    if rule.bands is not None and band not in rule.bands:
        names = [BAND_LABELS[b] for b in BAND_ORDER if b in rule.bands]
        bands = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"
        return f"for this type of event the rules ask for one only for {bands}."
    if rule.min_rosh is not None and Rosh.from_value(rosh_level) < rule.min_rosh:
        return (
            "for this type of event the rules ask for one only when the risk of serious harm "
            f"is {rule.min_rosh.label.lower()} or above."
        )
    return "the rules in force do not ask for one after this event."
