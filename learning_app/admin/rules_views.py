"""Admin pages for the rules that make a reflective discussion due.

Every route is for admins only; anyone else gets 404. Each change builds the next
rules document (``rules_changes``) from the one in force and saves it with
``rule_store.save_rules``, which checks the whole document, keeps the version and
writes the audit event. A refusal (``RulesError``) comes back as GOV.UK errors on the
form, with what was typed kept.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Blueprint, abort, render_template, request, url_for
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from learning_app.accounts.constants import Role
from learning_app.admin import rules_changes as changes
from learning_app.admin import rules_queries as queries
from learning_app.admin.common import commit_and_redirect
from learning_app.admin.rules_forms import CadenceForm, CaseEventForm, FollowUpForm
from learning_app.core.forms import ConfirmForm
from learning_app.core.policy import allow
from learning_app.core.requests import current_actor
from learning_app.framework import queries as framework_queries
from learning_app.reflective import rule_store
from learning_app.reflective.rules import RulesError

bp = Blueprint("admin_rules", __name__, url_prefix="/admin/discussion-rules")

# Words in a problem from ``parse_rules`` that tie it to a field of the form.
PROBLEM_FIELDS = (
    ("every_weeks", "every_weeks"),
    ("months", "months_to"),
    ("label", "label"),
    ("code", "label"),
    ("due_working_days", "due_working_days"),
    ("focus skill", "focus_skills"),
    ("min_rosh", "min_rosh"),
    ("band", "bands"),
)


def _or_404(find, *args) -> Any:
    try:
        return find(*args)
    except changes.RuleNotFound:
        abort(404)


def _save(document: Mapping, summary: str) -> list[str]:
    """Save the new rules; the problems found (nothing saved), or none."""
    try:
        rule_store.save_rules(
            current_actor(), dict(document), summary, known_skills=queries.known_skills()
        )
    except RulesError as error:
        return [changes.readable_problem(document, p) for p in error.problems]
    return []


def _show_problems(form: FlaskForm, problems: list[str], about: str) -> None:
    """Put each problem on the field it names when it is about this rule, else the first."""
    fields = [f for f in form if f.type not in ("CSRFTokenField", "SubmitField")]
    for problem in problems:
        field = fields[0]
        if problem.startswith(about):
            for word, name in PROBLEM_FIELDS:
                if word in problem and name in form:
                    field = form[name]
                    break
        field.errors = [*field.errors, problem]


def _changed(message: str) -> Response:
    return commit_and_redirect(message, ".index")


# The rules in force ----------------------------------------------------------------------


@bp.route("/")
@allow(Role.ADMIN)
def index():
    document = rule_store.current_document()
    versions, total = queries.history()
    return render_template(
        "admin/rules/index.html",
        rules=queries.in_words(document),
        latest=rule_store.latest_rule_set(),
        versions=versions,
        total_versions=total,
        only_one_case_event=len(document.get("case_events", [])) <= 1,
    )


# Cadence ---------------------------------------------------------------------------------


@bp.route("/cadence/<band>/<int:months_from>", methods=["GET", "POST"])
@allow(Role.ADMIN)
def cadence(band: str, months_from: int):
    document = rule_store.current_document()
    row = _or_404(changes.cadence_row, document, band, months_from)
    following = changes.next_cadence_row(document, band, months_from)
    months_range = None
    if following is not None:
        high = following.get("months_to")
        months_range = (months_from + 1, high - 1 if high is not None else 120)
    event = "starting" if row.get("since") == "started_on" else "qualifying"
    form = CadenceForm(months_range=months_range, event=event)
    if request.method == "GET":
        form.every_weeks.data = str(row["every_weeks"])
        if months_range is not None:
            form.months_to.data = str(row["months_to"])
    who = changes.cadence_who(row)
    if form.validate_on_submit():
        new, summary = changes.change_cadence(
            document, band, months_from, int(form.every_weeks.data), form.months_to_value
        )
        problems = _save(new, summary)
        if not problems:
            return _changed(f"Cadence saved for {who}")
        _show_problems(form, problems, f"Cadence ‘{who}’")
    return render_template("admin/rules/cadence.html", form=form, who=who)


# Case events -----------------------------------------------------------------------------


def _case_event_form(document: Mapping, code: str | None) -> CaseEventForm:
    others = [r.get("label", "") for r in document.get("case_events", []) if r.get("code") != code]
    return CaseEventForm(
        bands=queries.practitioner_bands(),
        skills=framework_queries.published_skills(),
        other_labels=others,
    )


def _case_event_page(form: CaseEventForm, heading: str, unknown_skills: list[str] = ()):
    return render_template(
        "admin/rules/case_event.html", form=form, heading=heading, unknown_skills=unknown_skills
    )


@bp.route("/case-events/new", methods=["GET", "POST"])
@allow(Role.ADMIN)
def new_case_event():
    document = rule_store.current_document()
    form = _case_event_form(document, None)
    if form.validate_on_submit():
        new, summary, _code = changes.add_case_event(document, form.value())
        problems = _save(new, summary)
        if not problems:
            return _changed(f"Case event type added: {form.label.data}")
        _show_problems(form, problems, f"Case event ‘{form.label.data}’")
    return _case_event_page(form, "Add a case event type")


@bp.route("/case-events/<code>/edit", methods=["GET", "POST"])
@allow(Role.ADMIN)
def edit_case_event(code: str):
    document = rule_store.current_document()
    row = _or_404(changes.case_event_row, document, code)
    form = _case_event_form(document, code)
    if request.method == "GET":
        form.fill(row)
    if form.validate_on_submit():
        new, summary = changes.change_case_event(document, code, form.value())
        problems = _save(new, summary)
        if not problems:
            return _changed(f"Case event type saved: {form.label.data}")
        _show_problems(form, problems, f"Case event ‘{form.label.data}’")
    known = {c.value for c in form.focus_skills.choices}
    unknown = [s for s in row.get("focus_skills", []) if s not in known]
    return _case_event_page(form, f"Change ‘{row['label']}’", unknown)


@bp.route("/case-events/<code>/remove", methods=["GET", "POST"])
@allow(Role.ADMIN)
def remove_case_event(code: str):
    document = rule_store.current_document()
    row = _or_404(changes.case_event_row, document, code)
    form = ConfirmForm()
    problem = None
    possible = len(document.get("case_events", [])) > 1
    if not possible:
        problem = "You cannot remove the only case event type: add another one first"
    elif form.validate_on_submit():
        new, summary = changes.remove_case_event(document, code)
        problems = _save(new, summary)
        if not problems:
            return _changed(f"Case event type removed: {row['label']}")
        problem = " ".join(problems)
    return render_template(
        "admin/rules/remove.html", label=row["label"], problem=problem, possible=possible
    )


# Follow-ups ------------------------------------------------------------------------------


@bp.route("/follow-ups/<code>/edit", methods=["GET", "POST"])
@allow(Role.ADMIN)
def edit_follow_up(code: str):
    document = rule_store.current_document()
    row = _or_404(changes.follow_up_row, document, code)
    form = FollowUpForm()
    if request.method == "GET":
        form.label.data = row["label"]
        form.due_working_days.data = str(row["due_working_days"])
    if form.validate_on_submit():
        new, summary = changes.change_follow_up(
            document, code, form.label.data, int(form.due_working_days.data)
        )
        problems = _save(new, summary)
        if not problems:
            return _changed(f"Follow-up saved: {form.label.data}")
        _show_problems(form, problems, f"Follow-up ‘{form.label.data}’")
    return render_template("admin/rules/follow_up.html", form=form, label=row["label"])


# The defaults ----------------------------------------------------------------------------


@bp.route("/restore-defaults", methods=["GET", "POST"])
@allow(Role.ADMIN)
def restore_defaults():
    form = ConfirmForm()
    problem = None
    if form.validate_on_submit():
        problems = _save(rule_store.default_document(), "Restored the default rules")
        if not problems:
            return _changed("The default rules are in force again")
        problem = " ".join(problems)
    return render_template("admin/rules/restore.html", problem=problem, back_url=url_for(".index"))
