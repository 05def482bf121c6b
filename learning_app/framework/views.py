"""Browse the skills framework: the published version, and older versions by id.

Everyone signed in may read published and retired versions; drafts are for admins
only (anyone else gets 404). One set of templates serves the current version and
older ones: a notice says when a version is not the one in use.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, abort, render_template, url_for
from flask_login import current_user

from learning_app.accounts.constants import BAND_ORDER
from learning_app.core.policy import can_manage_framework, signed_in
from learning_app.framework import queries
from learning_app.framework.models import LEVEL_NAMES, FrameworkVersion, Skill, VersionStatus

bp = Blueprint("framework", __name__, url_prefix="/framework")

# A sentence ends at . ! or ? followed by a space and a capital letter or digit.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9])")


@bp.app_template_filter("first_sentence")
def first_sentence(text: str | None) -> str:
    """The first sentence of a description, for lists of skills."""
    if not text:
        return ""
    return _SENTENCE_END.split(text.strip(), maxsplit=1)[0]


@bp.context_processor
def framework_constants() -> dict[str, Any]:
    return {"bands": BAND_ORDER, "level_names": LEVEL_NAMES}


def can_view_version(user: Any, version: FrameworkVersion) -> bool:
    """Published and retired versions are for everyone signed in; drafts for admins."""
    return not version.is_draft or can_manage_framework(user)


@dataclass(frozen=True)
class VersionLinks:
    """Where the pages of a version live.

    The published version is read at /framework; other versions under their id, so a
    link to an older version keeps pointing at that version.
    """

    version: FrameworkVersion

    @property
    def is_current(self) -> bool:
        return self.version.status == VersionStatus.PUBLISHED

    def overview(self) -> str:
        if self.is_current:
            return url_for("framework.index")
        return url_for("framework.version", version_id=self.version.id)

    def skill(self, skill: Skill) -> str:
        if self.is_current:
            return url_for("framework.skill", slug=skill.slug)
        return url_for("framework.version_skill", version_id=self.version.id, slug=skill.slug)

    def targets(self) -> str:
        if self.is_current:
            return url_for("framework.targets")
        return url_for("framework.version_targets", version_id=self.version.id)


def _visible_version_or_404(version_id: int, *, with_contents: bool = False) -> FrameworkVersion:
    version = queries.find_version(version_id, with_contents=with_contents)
    if version is None or not can_view_version(current_user, version):
        abort(404)
    return version


def _skill_or_404(version: FrameworkVersion, slug: str) -> Skill:
    skill = queries.find_skill(version, slug)
    if skill is None:
        abort(404)
    return skill


def _page(template: str, version: FrameworkVersion, **context: Any) -> str:
    """Render a page of a version with the links and the notice every such page needs."""
    current = None if version.status == VersionStatus.PUBLISHED else queries.published_version()
    return render_template(
        template,
        version=version,
        links=VersionLinks(version),
        current_url=url_for("framework.index") if current is not None else None,
        review_url=(
            url_for("admin_framework.review", version_id=version.id) if version.is_draft else None
        ),
        **context,
    )


def _not_published() -> str:
    return render_template(
        "framework/not_published.html", can_manage=can_manage_framework(current_user)
    )


# The published version ------------------------------------------------------------


@bp.route("/")
@signed_in
def index():
    version = queries.published_version_with_contents()
    if version is None:
        return _not_published()
    return _page("framework/version.html", version)


@bp.route("/skills/<slug>")
@signed_in
def skill(slug: str):
    version = queries.published_version()
    if version is None:
        abort(404)
    return _page(
        "framework/skill.html", version, skill=_skill_or_404(version, slug), current_skill_url=None
    )


@bp.route("/targets")
@signed_in
def targets():
    version = queries.published_version_with_contents()
    if version is None:
        return _not_published()
    return _page("framework/targets.html", version)


# Any version by id ----------------------------------------------------------------


@bp.route("/versions/<int:version_id>")
@signed_in
def version(version_id: int):
    found = _visible_version_or_404(version_id, with_contents=True)
    return _page("framework/version.html", found)


@bp.route("/versions/<int:version_id>/skills/<slug>")
@signed_in
def version_skill(version_id: int, slug: str):
    found = _visible_version_or_404(version_id)
    skill = _skill_or_404(found, slug)
    current_skill_url = None
    if found.status == VersionStatus.RETIRED:
        # Skills carry across versions by slug: point to the same skill today.
        published = queries.published_version()
        if published is not None and queries.find_skill(published, slug) is not None:
            current_skill_url = url_for("framework.skill", slug=slug)
    return _page("framework/skill.html", found, skill=skill, current_skill_url=current_skill_url)


@bp.route("/versions/<int:version_id>/targets")
@signed_in
def version_targets(version_id: int):
    found = _visible_version_or_404(version_id, with_contents=True)
    return _page("framework/targets.html", found)
