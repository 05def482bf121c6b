"""Self-assessment pages for practitioners: start or continue, a task list with one
task per domain, how they like to learn, check your answers, submit, confirmation.

Everything here is the signed-in practitioner's own: another person's self-assessment
id answers 404. A submitted self-assessment is read-only: its pages show it, and any
POST that would change it answers 404.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from learning_app.accounts.constants import Role
from learning_app.assessments import queries, services
from learning_app.assessments.forms import (
    DomainAnswersForm,
    PreferencesForm,
    domain_answers_form,
    level_field,
)
from learning_app.assessments.models import LearningPreference, SelfAssessment
from learning_app.core.forms import ConfirmForm
from learning_app.core.policy import allow
from learning_app.core.requests import current_actor
from learning_app.core.time import london_today
from learning_app.extensions import db
from learning_app.framework.models import LEVEL_NAMES
from learning_app.framework.queries import published_version

bp = Blueprint("self_assessment", __name__, url_prefix="/self-assessment")


def _own_or_404(self_assessment_id: int) -> SelfAssessment:
    sa = queries.find_own_self_assessment(current_actor(), self_assessment_id)
    if sa is None:
        abort(404)
    return sa


def _draft_or_404(self_assessment_id: int) -> SelfAssessment:
    """A draft of mine; a submitted one cannot be changed, so a POST to it is 404."""
    sa = _own_or_404(self_assessment_id)
    if sa.submitted:
        abort(404)
    return sa


def _to_task_list(sa: SelfAssessment):
    return redirect(url_for(".show", self_assessment_id=sa.id))


@dataclass(frozen=True)
class TaskItem:
    title: str
    href: str | None
    status: queries.TaskStatus
    hint: str | None = None


def _task_items(sa: SelfAssessment) -> list[TaskItem]:
    items = [
        TaskItem(
            p.domain.name,
            url_for(".domain", self_assessment_id=sa.id, code=p.domain.code.lower()),
            p.status,
            f"{p.rated} of {p.total} skills rated",
        )
        for p in queries.domain_progress(sa)
    ]
    items.append(
        TaskItem(
            "How you like to learn",
            url_for(".preferences", self_assessment_id=sa.id),
            queries.TaskStatus.COMPLETED
            if sa.learning_preferences
            else queries.TaskStatus.NOT_STARTED,
        )
    )
    ready = not queries.unrated_skills(sa)
    items.append(
        TaskItem(
            "Check and submit",
            url_for(".check", self_assessment_id=sa.id) if ready else None,
            queries.TaskStatus.NOT_STARTED if ready else queries.TaskStatus.CANNOT_START,
            None if ready else "Rate every skill first",
        )
    )
    return items


def _summary_context(sa: SelfAssessment) -> dict:
    return {
        "sa": sa,
        "domains": sa.framework_version.domains,
        "ratings": queries.ratings_by_skill(sa),
        "level_names": LEVEL_NAMES,
        "preference_labels": [LearningPreference(p).label for p in sa.learning_preferences],
    }


# Start or continue --------------------------------------------------------------------


@bp.route("/")
@allow(Role.PRACTITIONER)
def index():
    me = current_actor()
    today = london_today()
    cycles = queries.applicable_open_cycles(me, today)
    draft = queries.current_draft(me)
    progress = queries.domain_progress(draft) if draft is not None else []
    return render_template(
        "assessments/index.html",
        cycles=cycles,
        cycle_answers=queries.cycle_self_assessments(me, cycles),
        draft=draft,
        rated=sum(p.rated for p in progress),
        total=sum(p.total for p in progress),
        past=queries.submitted_self_assessments(me),
        can_start=published_version() is not None,
        start_form=ConfirmForm(),
    )


@bp.route("/start", methods=["POST"])
@allow(Role.PRACTITIONER)
def start():
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for(".index"))
    try:
        sa = services.start_self_assessment(current_actor(), london_today())
    except services.SelfAssessmentError as error:
        flash(error.message, "info")
        return redirect(url_for(".index"))
    db.session.commit()
    return _to_task_list(sa)


# The task list (or, once submitted, the read-only answers) ------------------------------


@bp.route("/<int:self_assessment_id>")
@allow(Role.PRACTITIONER)
def show(self_assessment_id: int):
    sa = _own_or_404(self_assessment_id)
    if sa.submitted:
        return render_template("assessments/submitted.html", **_summary_context(sa))
    items = _task_items(sa)
    return render_template(
        "assessments/task_list.html",
        sa=sa,
        tasks=items,
        completed=sum(1 for i in items if i.status == queries.TaskStatus.COMPLETED),
    )


@bp.route("/<int:self_assessment_id>/domains/<code>", methods=["GET", "POST"])
@allow(Role.PRACTITIONER)
def domain(self_assessment_id: int, code: str):
    sa = _own_or_404(self_assessment_id)
    if sa.submitted:
        if request.method == "POST":
            abort(404)
        return _to_task_list(sa)
    found = queries.find_domain(sa, code)
    if found is None:
        abort(404)
    skills = found.skills
    if request.method == "POST":
        form = domain_answers_form(skills)
    else:
        saved = DomainAnswersForm.data_from(skills, queries.ratings_by_skill(sa))
        form = domain_answers_form(skills, data=saved)
    if form.validate_on_submit():
        try:
            services.save_domain_answers(sa, found.code, form.answers())
        except services.SelfAssessmentError as error:
            first = form[level_field(skills[0])]
            first.errors = [*first.errors, error.message]
        else:
            db.session.commit()
            flash(f"{found.name}: your answers have been saved", "success")
            return _to_task_list(sa)
    return render_template("assessments/domain.html", sa=sa, domain=found, skills=skills, form=form)


@bp.route("/<int:self_assessment_id>/how-you-like-to-learn", methods=["GET", "POST"])
@allow(Role.PRACTITIONER)
def preferences(self_assessment_id: int):
    sa = _own_or_404(self_assessment_id)
    if sa.submitted:
        if request.method == "POST":
            abort(404)
        return _to_task_list(sa)
    form = PreferencesForm()
    if request.method == "GET":
        form.learning_preferences.data = list(sa.learning_preferences)
    if form.validate_on_submit():
        try:
            services.save_learning_preferences(sa, form.learning_preferences.data)
        except services.SelfAssessmentError as error:
            form.learning_preferences.errors = [error.message]
        else:
            db.session.commit()
            flash("How you like to learn: your answer has been saved", "success")
            return _to_task_list(sa)
    return render_template("assessments/preferences.html", sa=sa, form=form)


# Check, submit, confirmation ----------------------------------------------------------


@bp.route("/<int:self_assessment_id>/check-your-answers")
@allow(Role.PRACTITIONER)
def check(self_assessment_id: int):
    sa = _own_or_404(self_assessment_id)
    if sa.submitted:
        return _to_task_list(sa)
    if queries.unrated_skills(sa):
        flash("Rate every skill before you check your answers", "info")
        return _to_task_list(sa)
    return _check_page(sa)


def _check_page(sa: SelfAssessment, problem: str | None = None):
    return render_template(
        "assessments/check.html",
        confirm=ConfirmForm(),
        problem=problem,
        **_summary_context(sa),
    )


@bp.route("/<int:self_assessment_id>/submit", methods=["POST"])
@allow(Role.PRACTITIONER)
def submit(self_assessment_id: int):
    sa = _own_or_404(self_assessment_id)
    if not ConfirmForm().validate_on_submit():
        return _to_task_list(sa)
    try:
        services.submit(sa, datetime.now(UTC))
    except services.SelfAssessmentError as error:
        if sa.submitted:
            return render_template(
                "assessments/submitted.html", problem=error.message, **_summary_context(sa)
            )
        return _check_page(sa, problem=error.message)
    db.session.commit()
    return redirect(url_for(".confirmation", self_assessment_id=sa.id))


@bp.route("/<int:self_assessment_id>/confirmation")
@allow(Role.PRACTITIONER)
def confirmation(self_assessment_id: int):
    sa = _own_or_404(self_assessment_id)
    if not sa.submitted:
        return _to_task_list(sa)
    return render_template("assessments/confirmation.html", sa=sa)
