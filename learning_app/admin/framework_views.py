"""Admin pages for the skills framework: load a file, review and edit a draft, publish.

Every route is for admins only; anyone else gets 404. Each change is one call to
``learning_app.framework.loader`` or ``learning_app.framework.services``, which
writes the audit event; a refusal (``FrameworkError``) is shown as a GOV.UK error.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from werkzeug.datastructures import FileStorage

from learning_app.accounts.constants import BAND_ORDER, Role
from learning_app.admin.common import commit_and_redirect
from learning_app.admin.framework_forms import CopyForm, SkillForm, UploadForm
from learning_app.core.forms import ConfirmForm
from learning_app.core.policy import allow
from learning_app.core.requests import current_actor
from learning_app.extensions import db
from learning_app.framework import queries
from learning_app.framework.loader import (
    FrameworkDataError,
    decode_framework_bytes,
    load_framework,
    parse_framework_text,
)
from learning_app.framework.models import LEVEL_NAMES, FrameworkVersion, Skill
from learning_app.framework.services import (
    FrameworkError,
    copy_published_as_draft,
    delete_draft,
    publish_version,
    update_skill,
)

bp = Blueprint("admin_framework", __name__, url_prefix="/admin/framework")

# Up to this many problems in a file are listed in the error summary itself; more are
# listed under a heading below the form, so the summary stays short enough to read.
MANY_PROBLEMS = 10


@bp.context_processor
def framework_constants() -> dict[str, Any]:
    return {"bands": BAND_ORDER, "level_names": LEVEL_NAMES}


def _version_or_404(version_id: int, *, with_contents: bool = False) -> FrameworkVersion:
    version = queries.find_version(version_id, with_contents=with_contents)
    if version is None:
        abort(404)
    return version


def _draft_or_404(version_id: int) -> FrameworkVersion:
    """Pages that change a version exist only for drafts."""
    version = _version_or_404(version_id)
    if not version.is_draft:
        abort(404)
    return version


def _sentence(message: str) -> str:
    """Loader messages start in lower case (they follow a file name on the command line)."""
    return message[:1].upper() + message[1:]


# Versions -------------------------------------------------------------------------


def _index_page(form: CopyForm, service_error: str | None = None):
    # The copy form is the page's only form: passed as `form`, its errors get the summary.
    return render_template(
        "admin/framework/index.html",
        versions=queries.list_versions(),
        published=queries.published_version(),
        form=form,
        service_error=service_error,
    )


@bp.route("/")
@allow(Role.ADMIN)
def index():
    return _index_page(CopyForm())


@bp.route("/copy-published", methods=["POST"])
@allow(Role.ADMIN)
def copy_published():
    form = CopyForm()
    if not form.validate_on_submit():
        return _index_page(form)
    try:
        draft = copy_published_as_draft(current_actor(), name=form.name.data or None)
    except FrameworkError as error:
        db.session.rollback()
        return _index_page(form, service_error=error.message)
    return commit_and_redirect(
        f"‘{draft.name}’ was created from the published version. Edit its skills, then publish it.",
        "admin_framework.review",
        version_id=draft.id,
    )


# Loading a file -------------------------------------------------------------------


def parse_upload(storage: FileStorage) -> dict[str, Any]:
    """Parse and validate an uploaded framework file exactly as the CLI does.

    Raises ``FrameworkFileError`` listing every problem.
    """
    # Only the suffix of the uploaded name is used: it decides YAML or JSON.
    suffix = Path(storage.filename or "").suffix
    return parse_framework_text(decode_framework_bytes(storage.read()), suffix)


def _upload_page(form: UploadForm, problems: list[str] | None = None):
    problems = [_sentence(problem) for problem in problems or []]
    errors = [
        {"text": field.errors[0], "href": f"#{field.id}"}
        for field in form
        if field.errors and not (problems and field is form.file)
    ]
    listed_below = len(problems) > MANY_PROBLEMS
    if problems:
        count = len(problems)
        headline = problems[0] if count == 1 else f"The selected file has {count} problems"
        form.file.errors = [headline]
        if listed_below:
            errors.insert(
                0, {"text": f"{headline}: they are listed below", "href": "#file-problems"}
            )
        else:
            errors[0:0] = [{"text": problem, "href": "#file"} for problem in problems]
    return render_template(
        "admin/framework/upload.html",
        upload_form=form,
        errors=errors,
        problems=problems if listed_below else [],
    )


@bp.route("/upload", methods=["GET", "POST"])
@allow(Role.ADMIN)
def upload():
    form = UploadForm()
    if not form.validate_on_submit():
        return _upload_page(form)
    try:
        data = parse_upload(form.file.data)
        version = load_framework(data, actor=current_actor(), name=form.name.data or None)
    except FrameworkDataError as error:  # includes FrameworkFileError
        db.session.rollback()
        return _upload_page(form, error.errors)
    return commit_and_redirect(
        f"‘{version.name}’ was loaded as a draft with {len(version.skills)} skills. "
        "Check it, then publish it.",
        "admin_framework.review",
        version_id=version.id,
    )


# Reviewing, publishing and deleting a version -------------------------------------


@bp.route("/versions/<int:version_id>")
@allow(Role.ADMIN)
def review(version_id: int):
    version = _version_or_404(version_id, with_contents=True)
    return render_template("admin/framework/review.html", version=version)


@bp.route("/versions/<int:version_id>/publish", methods=["GET", "POST"])
@allow(Role.ADMIN)
def publish(version_id: int):
    form = ConfirmForm()
    if form.validate_on_submit():
        version = _version_or_404(version_id)
        try:
            retired = publish_version(version, current_actor())
        except FrameworkError as error:
            db.session.rollback()
            return _publish_page(_version_or_404(version_id), form, error.message)
        message = f"‘{version.name}’ is now the published skills framework."
        if retired is not None:
            message += f" ‘{retired.name}’ has been retired."
        return commit_and_redirect(message, "admin_framework.index")
    return _publish_page(_draft_or_404(version_id), form)


def _publish_page(version: FrameworkVersion, form: ConfirmForm, service_error: str | None = None):
    current = queries.published_version()
    return render_template(
        "admin/framework/publish.html",
        version=version,
        current=current if current is not version else None,
        form=form,
        service_error=service_error,
    )


@bp.route("/versions/<int:version_id>/delete", methods=["GET", "POST"])
@allow(Role.ADMIN)
def delete(version_id: int):
    form = ConfirmForm()
    if form.validate_on_submit():
        version = _version_or_404(version_id)
        name = version.name
        try:
            delete_draft(version, current_actor())
        except FrameworkError as error:
            db.session.rollback()
            return render_template(
                "admin/framework/delete.html",
                version=_version_or_404(version_id),
                form=form,
                service_error=error.message,
            )
        return commit_and_redirect(f"The draft ‘{name}’ was deleted.", "admin_framework.index")
    return render_template(
        "admin/framework/delete.html", version=_draft_or_404(version_id), form=form
    )


# Editing a skill ------------------------------------------------------------------


def _skill_or_404(version: FrameworkVersion, slug: str) -> Skill:
    skill = queries.find_skill(version, slug)
    if skill is None:
        abort(404)
    return skill


@bp.route("/versions/<int:version_id>/skills/<slug>/edit", methods=["GET", "POST"])
@allow(Role.ADMIN)
def edit_skill(version_id: int, slug: str):
    version = _version_or_404(version_id)
    skill = _skill_or_404(version, slug)
    # On a POST the form holds only what was typed, so nothing typed is lost or mixed.
    form = SkillForm() if request.method == "POST" else SkillForm(data=SkillForm.data_from(skill))
    service_error = None
    if form.validate_on_submit():
        try:
            changes = update_skill(
                skill,
                current_actor(),
                name=form.name.data,
                description=form.description.data,
                risk_critical=form.risk_critical.data == "yes",
                descriptors=form.descriptors(),
                targets=form.targets(),
            )
        except FrameworkError as error:
            db.session.rollback()
            service_error = error.message
            # The rollback expired the objects: reload them for the page.
            version = _version_or_404(version_id)
            skill = _skill_or_404(version, slug)
        else:
            db.session.commit()
            if changes:
                flash(f"‘{skill.name}’ was updated.", "success")
            else:
                flash(f"Nothing was changed in ‘{skill.name}’.", "info")
            return redirect(
                url_for("admin_framework.review", version_id=version.id, _anchor=skill.slug)
            )
    elif not version.is_draft:
        # Only a draft can be edited; a POST still reaches the service, which says so.
        abort(404)
    return render_template(
        "admin/framework/edit_skill.html",
        version=version,
        skill=skill,
        form=form,
        service_error=service_error,
    )
