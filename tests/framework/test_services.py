"""Loading, publishing, copying and editing framework versions."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from learning_app.core.audit import AuditEvent
from learning_app.extensions import db
from learning_app.framework.loader import (
    DEFAULT_FRAMEWORK_PATH,
    FrameworkDataError,
    load_framework,
    parse_framework_file,
)
from learning_app.framework.models import FrameworkVersion, Skill, VersionStatus
from learning_app.framework.queries import get_skill, list_versions
from learning_app.framework.services import (
    FrameworkError,
    copy_published_as_draft,
    delete_draft,
    publish_version,
    published_version,
    update_skill,
)


@pytest.fixture
def admin(factories):
    return factories.admin()


@pytest.fixture
def draft(db_session, admin) -> FrameworkVersion:
    return load_framework(parse_framework_file(DEFAULT_FRAMEWORK_PATH), actor=admin)


def events(action: str, obj: Any) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent).where(
                AuditEvent.action == action,
                AuditEvent.object_type == obj.__tablename__,
                AuditEvent.object_id == str(obj.id),
            )
        )
    )


def edit(skill: Skill, actor: Any = None, **changes: Any) -> dict[str, Any]:
    """Update a skill, keeping every field not named in ``changes``."""
    fields: dict[str, Any] = {
        "name": skill.name,
        "description": skill.description,
        "risk_critical": skill.risk_critical,
        "descriptors": {d.level: d.text for d in skill.descriptors},
        "targets": {},
    }
    fields.update(changes)
    return update_skill(skill, actor, **fields)


def test_load_creates_a_draft_with_everything_in_order(draft: FrameworkVersion, admin) -> None:
    assert draft.status == VersionStatus.DRAFT
    assert draft.name == "Practice Learning skills framework 2026"
    assert draft.created_by_id == admin.id
    assert [d.code for d in draft.domains] == ["A", "B", "C", "D", "E"]
    assert len(draft.skills) == 17
    assert [s.position for s in draft.skills] == list(range(1, 18))
    assert draft.skills[0].slug == "rosh-analysis"
    assert [s.slug for s in draft.domains[4].skills] == ["management-oversight", "coaching-others"]

    rosh = get_skill(draft, "rosh-analysis")
    assert rosh is not None and rosh.risk_critical
    assert [d.level for d in rosh.descriptors] == [1, 2, 3, 4]
    assert rosh.target_for("spo") == 4
    coaching = get_skill(draft, "coaching-others")
    assert coaching is not None
    assert coaching.target_for("pso") is None
    assert {t.band for t in coaching.targets} == {"new", "experienced", "spo"}

    [event] = events("framework.load", draft)
    assert event.actor_id == admin.id
    assert event.detail == {"name": draft.name, "domains": 5, "skills": 17}


def test_load_can_rename_and_refuses_invalid_data(db_session) -> None:
    data = parse_framework_file(DEFAULT_FRAMEWORK_PATH)
    assert load_framework(data, name="  Trial framework ").name == "Trial framework"

    with pytest.raises(FrameworkDataError) as caught:
        load_framework({"name": "Empty", "domains": []})
    assert caught.value.errors == ["domains is empty: add at least one domain"]


def test_publish_makes_the_draft_the_published_version(draft, admin) -> None:
    assert published_version() is None

    assert publish_version(draft, admin) is None

    assert draft.status == VersionStatus.PUBLISHED
    assert draft.published_at is not None
    assert published_version() is draft
    assert len(events("framework.publish", draft)) == 1


def test_second_publish_retires_the_first(draft, admin) -> None:
    publish_version(draft, admin)
    second = copy_published_as_draft(admin)

    retired = publish_version(second, admin)

    assert retired is draft
    assert draft.status == VersionStatus.RETIRED
    assert draft.retired_at is not None
    assert second.status == VersionStatus.PUBLISHED
    assert published_version() is second
    assert [v.id for v in list_versions()] == [second.id, draft.id]
    [event] = events("framework.retire", draft)
    assert event.detail == {"replaced_by_id": second.id}


@pytest.mark.parametrize("status", [VersionStatus.PUBLISHED, VersionStatus.RETIRED])
def test_only_a_draft_can_be_published(draft, admin, status) -> None:
    draft.status = status.value
    with pytest.raises(FrameworkError, match=f"Only a draft can be published: .* is {status}"):
        publish_version(draft, admin)


def test_schema_allows_only_one_published_version(draft, admin) -> None:
    publish_version(draft, admin)
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.add(FrameworkVersion(name="Rogue", status=VersionStatus.PUBLISHED.value))
        db.session.flush()
    assert published_version() is draft


def test_copy_is_a_deep_copy_of_the_published_version(draft, admin) -> None:
    publish_version(draft, admin)

    copy = copy_published_as_draft(admin, name="Framework 2027")

    assert copy.status == VersionStatus.DRAFT
    assert copy.name == "Framework 2027"
    assert copy.based_on_id == draft.id

    def snapshot(version: FrameworkVersion) -> list[tuple]:
        return [
            (
                s.domain.code,
                s.slug,
                s.name,
                s.description,
                s.risk_critical,
                s.position,
                tuple((d.level, d.text) for d in s.descriptors),
                tuple(sorted((t.band, t.level) for t in s.targets)),
            )
            for s in version.skills
        ]

    assert snapshot(copy) == snapshot(draft)
    assert not {s.id for s in copy.skills} & {s.id for s in draft.skills}
    assert [(d.code, d.name) for d in copy.domains] == [(d.code, d.name) for d in draft.domains]
    assert events("framework.copy", copy)[0].detail["based_on_id"] == draft.id


def test_copy_needs_a_published_version(db_session, admin) -> None:
    with pytest.raises(FrameworkError, match="There is no published framework to copy"):
        copy_published_as_draft(admin)


def test_edit_a_draft_skill(draft, admin) -> None:
    skill = get_skill(draft, "court-reports")
    assert skill is not None

    changes = edit(
        skill,
        actor=admin,
        name="Pre-sentence reports",
        risk_critical=True,
        descriptors={**{d.level: d.text for d in skill.descriptors}, 2: "Some analysis."},
        targets={"pso": None, "trainee": 3, "spo": 3},
    )

    old_level_2 = changes["descriptors"]["2"]["from"]
    assert changes == {
        "name": {"from": "Court reports", "to": "Pre-sentence reports"},
        "risk_critical": {"from": False, "to": True},
        "descriptors": {"2": {"from": old_level_2, "to": "Some analysis."}},
        "targets": {"pso": {"from": 2, "to": None}, "trainee": {"from": 2, "to": 3}},
    }
    db.session.expire_all()
    skill = get_skill(draft, "court-reports")
    assert skill.name == "Pre-sentence reports"
    assert skill.descriptor(2) == "Some analysis."
    assert skill.target_for("pso") is None
    assert skill.target_for("trainee") == 3
    assert skill.target_for("new") == 3  # not named, so unchanged
    [event] = events("framework.skill.update", skill)
    assert event.actor_id == admin.id
    assert event.detail["changes"] == changes
    assert event.detail["slug"] == "court-reports"


def test_a_removed_target_can_be_added_back(draft) -> None:
    skill = get_skill(draft, "coaching-others")
    edit(skill, targets={"trainee": 2})
    assert skill.target_for("trainee") == 2
    edit(skill, targets={"trainee": None})
    assert skill.target_for("trainee") is None


def test_an_edit_that_changes_nothing_is_not_audited(draft) -> None:
    skill = get_skill(draft, "victim-focus")
    assert edit(skill, targets={"pso": 3}) == {}
    assert events("framework.skill.update", skill) == []


def test_a_published_skill_cannot_be_edited(draft, admin) -> None:
    publish_version(draft, admin)
    skill = get_skill(draft, "rosh-analysis")

    with pytest.raises(FrameworkError, match="Only a draft can be edited"):
        edit(skill, name="Something else")
    assert skill.name == "Risk of serious harm analysis"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": "  "}, "Enter the name."),
        ({"name": "n" * 121}, "The name must be 120 characters or fewer."),
        ({"description": ""}, "Enter the description."),
        ({"descriptors": {1: "a", 2: "b", 3: "c"}}, "Enter the level 4 descriptor."),
        ({"descriptors": {1: "a", 2: "b", 3: "c", 4: "d", 5: "e"}}, "Levels are 1 to 4, not 5."),
        ({"targets": {"senior": 3}}, 'Band "senior" is not one of pso, trainee, new'),
        ({"targets": {"pso": 5}}, 'The target for band "pso" must be from 1 to 4.'),
        ({"risk_critical": "yes"}, "Risk critical must be true or false."),
    ],
)
def test_invalid_edits_are_refused(draft, changes: dict[str, Any], message: str) -> None:
    skill = get_skill(draft, "case-recording")
    with pytest.raises(FrameworkError) as caught:
        edit(skill, **changes)
    assert caught.value.message.startswith(message)


def test_delete_a_draft_removes_everything_in_it(draft, admin) -> None:
    version_id = draft.id

    delete_draft(draft, admin)

    assert db.session.get(FrameworkVersion, version_id) is None
    count = db.session.scalar(select(func.count(Skill.id)).where(Skill.version_id == version_id))
    assert count == 0
    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "framework.delete"))
    assert event.object_id == str(version_id)


def test_a_published_version_cannot_be_deleted(draft, admin) -> None:
    publish_version(draft, admin)
    with pytest.raises(FrameworkError, match="Only a draft can be deleted"):
        delete_draft(draft, admin)
