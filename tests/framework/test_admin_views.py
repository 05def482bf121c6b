"""The framework admin pages: versions, loading a file, reviewing, editing, publishing."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
import yaml
from sqlalchemy import func, select

from learning_app.accounts.constants import Grade, Role
from learning_app.core.audit import AuditEvent
from learning_app.extensions import db
from learning_app.framework.loader import (
    DEFAULT_FRAMEWORK_PATH,
    load_framework,
    parse_framework_file,
)
from learning_app.framework.models import FrameworkVersion, Skill, VersionStatus
from learning_app.framework.queries import get_skill, published_version
from learning_app.framework.services import copy_published_as_draft, publish_version

NON_ADMIN_ROLES = [Role.PRACTITIONER, Role.SPO, Role.QDO, Role.LD_LEAD, Role.LEADER]
DEFAULT_TEXT = DEFAULT_FRAMEWORK_PATH.read_text()


def count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def audit_actions(actor=None) -> list[str]:
    """The framework events recorded, oldest first (sign-ins are audited too)."""
    stmt = (
        select(AuditEvent.action)
        .where(AuditEvent.action.startswith("framework."))
        .order_by(AuditEvent.id)
    )
    if actor is not None:
        stmt = stmt.where(AuditEvent.actor_id == actor.id)
    return list(db.session.scalars(stmt))


def upload(client, content: str | bytes, filename: str = "framework.yaml", name: str = ""):
    if isinstance(content, str):
        content = content.encode()
    return client.submit(
        "/admin/framework/upload",
        {"file": (io.BytesIO(content), filename), "name": name},
    )


def skill_form(skill: Skill, **changes: str) -> dict[str, str]:
    """What the edit form posts when nothing is changed, with ``changes`` applied."""
    data = {
        "name": skill.name,
        "description": skill.description,
        "risk_critical": "yes" if skill.risk_critical else "no",
    }
    for level in (1, 2, 3, 4):
        data[f"descriptor_{level}"] = skill.descriptor(level)
    for band in ("pso", "trainee", "new", "experienced", "spo"):
        target = skill.target_for(band)
        data[f"target_{band}"] = str(target) if target else ""
    data.update(changes)
    return data


def edit_links(page) -> list[str]:
    return [a["href"] for a in page.soup.select("main a") if a.get_text().startswith("Edit")]


@pytest.fixture
def admin(factories):
    return factories.admin(name="Ada Admin")


@pytest.fixture
def admin_client(client, admin):
    client.sign_in(admin.email)
    return client


# Fixtures commit, as the CLI would: a view that rolls back after a refusal must not
# take the test's data with it.
@pytest.fixture
def published(db_session) -> FrameworkVersion:
    version = load_framework(parse_framework_file(DEFAULT_FRAMEWORK_PATH))
    publish_version(version, None)
    db.session.commit()
    return version


@pytest.fixture
def draft(published) -> FrameworkVersion:
    version = copy_published_as_draft(None, name="Framework 2027")
    db.session.commit()
    return version


def admin_urls(draft: FrameworkVersion) -> list[tuple[str, str]]:
    base = f"/admin/framework/versions/{draft.id}"
    return [
        ("GET", "/admin/framework/"),
        ("GET", "/admin/framework/upload"),
        ("POST", "/admin/framework/upload"),
        ("POST", "/admin/framework/copy-published"),
        ("GET", base),
        ("GET", f"{base}/publish"),
        ("POST", f"{base}/publish"),
        ("GET", f"{base}/delete"),
        ("POST", f"{base}/delete"),
        ("GET", f"{base}/skills/rosh-analysis/edit"),
        ("POST", f"{base}/skills/rosh-analysis/edit"),
    ]


# Access ---------------------------------------------------------------------------


def test_signed_out_users_are_sent_to_sign_in(client, draft) -> None:
    token = client.csrf_token("/sign-in")  # so that the POSTs reach the access check
    for method, url in admin_urls(draft):
        response = client.open(url, method=method, data={"csrf_token": token})
        assert response.status_code == 302, f"{method} {url}"
        assert "/sign-in" in response.headers["Location"], f"{method} {url}"
    assert count(FrameworkVersion) == 2


@pytest.mark.parametrize("role", NON_ADMIN_ROLES, ids=str)
def test_other_roles_get_not_found(app, client, factories, draft, role) -> None:
    team = factories.team()
    scope = {Role.SPO: team, Role.QDO: team.pdu, Role.LD_LEAD: team.pdu, Role.LEADER: team.pdu}
    user = factories.user(role=role, scope=scope.get(role), team=team, grade=Grade.SPO)
    client.sign_in(user.email)
    token = client.csrf_token("/account/change-password")

    for method, url in admin_urls(draft):
        response = client.open(url, method=method, data={"csrf_token": token})
        assert response.status_code == 404, f"{role} {method} {url}"
    assert count(FrameworkVersion) == 2
    assert draft.status == VersionStatus.DRAFT


def test_admins_can_open_every_page(admin_client, draft) -> None:
    for method, url in admin_urls(draft):
        if method == "GET":
            admin_client.get_page(url)


@pytest.mark.parametrize(
    "url",
    [
        "/admin/framework/versions/999999",
        "/admin/framework/versions/99999999999999999999999",
        "/admin/framework/versions/999999/publish",
        "/admin/framework/versions/999999/skills/rosh-analysis/edit",
    ],
)
def test_unknown_versions_are_not_found(admin_client, url) -> None:
    admin_client.get_page(url, status=404)


def test_an_unknown_skill_is_not_found(admin_client, draft) -> None:
    base = f"/admin/framework/versions/{draft.id}/skills"
    admin_client.get_page(f"{base}/no-such-skill/edit", status=404)
    admin_client.get_page(f"{base}/Bad%20Slug/edit", status=404)


# The versions page ----------------------------------------------------------------


def test_the_versions_page_lists_every_version_with_its_status(
    admin_client, draft, published
) -> None:
    page = admin_client.get_page("/admin/framework/")

    assert page.h1 == "Framework versions"
    rows = page.table_rows()
    assert [row[:2] for row in rows] == [
        ["Practice Learning skills framework 2026", "Published"],
        ["Framework 2027", "Draft"],
    ]
    assert rows[1][4] == "Not retired"
    assert rows[1][3] == "Not published"
    assert "Publish Framework 2027" in rows[1][5]
    assert page.soup.find("button", string=lambda s: s and "Create a new draft" in s)


def test_with_no_versions_the_page_says_how_to_start(admin_client) -> None:
    page = admin_client.get_page("/admin/framework/")
    assert "There are no framework versions yet." in page.text
    assert page.soup.find("button", string=lambda s: s and "Create a new draft" in s) is None


# Loading a file -------------------------------------------------------------------


def test_a_valid_file_becomes_a_draft(admin_client, admin) -> None:
    response = upload(admin_client, DEFAULT_TEXT, name="  Framework from a file ")

    version = db.session.scalars(select(FrameworkVersion)).one()
    assert response.status_code == 302
    assert response.headers["Location"] == f"/admin/framework/versions/{version.id}"
    assert version.name == "Framework from a file"
    assert version.status == VersionStatus.DRAFT
    assert version.created_by_id == admin.id
    assert count(Skill) == 17
    assert audit_actions(admin) == ["framework.load"]

    page = admin_client.get_page(response.headers["Location"])
    assert "‘Framework from a file’ was loaded as a draft with 17 skills." in page.text
    assert len(page.soup.select("main section")) == 17
    assert len(edit_links(page)) == 17


def test_a_json_file_works_too(admin_client) -> None:
    document = json.dumps(yaml.safe_load(DEFAULT_TEXT))
    response = upload(admin_client, document, filename="FRAMEWORK.JSON")

    assert response.status_code == 302
    assert db.session.scalars(select(FrameworkVersion)).one().name == (
        "Practice Learning skills framework 2026"
    )


def test_an_invalid_file_lists_every_error_and_writes_nothing(admin_client, admin) -> None:
    text = DEFAULT_TEXT.replace("slug: court-reports", "slug: Court Reports", 1)
    text = text.replace("targets: {new: 2, experienced: 3, spo: 4}", "targets: {senior: 4}", 1)
    text = text.replace("name: Engagement\n", "name: ''\n", 1)

    response = upload(admin_client, text)

    page = admin_client.page(response)
    assert response.status_code == 200
    assert page.title.startswith("Error: Load a framework file")
    assert page.error_summary == [
        'Domain B, skill "Court Reports": slug "Court Reports" must contain only lowercase '
        "letters, digits and hyphens, and start and end with a letter or digit",
        "Domain C: name is empty",
        'Domain E, skill "coaching-others": targets: band "senior" is not one of pso, trainee, '
        "new, experienced, spo",
    ]
    assert page.inline_errors == ["The selected file has 3 problems"]
    assert all(a["href"] == "#file" for a in page.soup.select(".govuk-error-summary a"))
    assert count(FrameworkVersion) == 0
    assert count(Skill) == 0
    assert audit_actions() == []


def test_many_errors_are_listed_under_a_heading(admin_client) -> None:
    text = DEFAULT_TEXT.replace("risk_critical: true", "risk_critical: maybe")
    text = text.replace("risk_critical: false", "risk_critical: perhaps")

    page = admin_client.page(upload(admin_client, text))

    assert page.error_summary == ["The selected file has 17 problems: they are listed below"]
    assert page.soup.select_one(".govuk-error-summary a")["href"] == "#file-problems"
    heading = page.soup.select_one("#file-problems")
    assert heading.get_text(strip=True) == "Problems in the file (17)"
    problems = [li.get_text(strip=True) for li in heading.find_next("ul").select("li")]
    assert len(problems) == 17
    assert problems[0] == (
        'Domain A, skill "rosh-analysis": risk_critical must be true or false, not "maybe"'
    )
    assert count(FrameworkVersion) == 0


@pytest.mark.parametrize(
    ("content", "filename", "expected"),
    [
        (b"", "", "Select a framework file"),
        (b"name: x", "framework.txt", "The selected file must be a YAML or JSON file"),
        (b"name: [unclosed\n", "framework.yaml", "Line 2, column 1: the YAML cannot be read:"),
        (b'{"name": ', "framework.json", "Line 1, column 10: the JSON cannot be read:"),
        (b"\xff\xfe\x00n\x00a", "framework.yaml", "The file is not UTF-8 text"),
        (b"", "framework.yaml", "The document must be a mapping with the keys name, notes"),
        (b"- just\n- a list\n", "framework.yml", "The document must be a mapping"),
        (b"x" * (1024 * 1024 + 1), "framework.yaml", "The selected file must be smaller than 1 MB"),
    ],
)
def test_files_that_cannot_be_used_are_refused(admin_client, content, filename, expected) -> None:
    response = upload(admin_client, content, filename=filename)

    page = admin_client.page(response)
    assert response.status_code == 200
    assert len(page.error_summary) == 1
    assert page.error_summary[0].startswith(expected)
    assert page.inline_errors[0].startswith(expected)
    assert count(FrameworkVersion) == 0


def test_a_name_that_is_too_long_is_refused_and_kept(admin_client) -> None:
    page = admin_client.page(upload(admin_client, DEFAULT_TEXT, name="n" * 121))

    assert page.error_summary == ["Version name must be 120 characters or fewer"]
    assert page.field_value("name") == "n" * 121
    assert count(FrameworkVersion) == 0


# Drafting, editing and publishing -------------------------------------------------


def test_create_a_draft_from_the_published_version(admin_client, admin, published) -> None:
    response = admin_client.submit("/admin/framework/copy-published", form_url="/admin/framework/")

    draft = db.session.scalars(
        select(FrameworkVersion).where(FrameworkVersion.status == VersionStatus.DRAFT)
    ).one()
    assert response.headers["Location"] == f"/admin/framework/versions/{draft.id}"
    assert draft.based_on_id == published.id
    assert draft.name == "Practice Learning skills framework 2026 (draft)"
    assert audit_actions(admin) == ["framework.copy"]
    page = admin_client.get_page(response.headers["Location"])
    assert "was created from the published version" in page.text


def test_copying_with_nothing_published_is_an_error_not_a_crash(admin_client, admin) -> None:
    token = admin_client.csrf_token("/admin/framework/upload")
    response = admin_client.post("/admin/framework/copy-published", data={"csrf_token": token})

    page = admin_client.page(response)
    assert response.status_code == 200
    assert page.error_summary == ["There is no published framework to copy."]
    assert page.title.startswith("Error: ")
    assert count(FrameworkVersion) == 0


def test_draft_edit_publish_through_the_pages(admin_client, admin, published) -> None:
    response = admin_client.submit(
        "/admin/framework/copy-published", {"name": "Framework 2027"}, form_url="/admin/framework/"
    )
    review_url = response.headers["Location"]
    draft = db.session.scalars(
        select(FrameworkVersion).where(FrameworkVersion.status == VersionStatus.DRAFT)
    ).one()

    review = admin_client.get_page(review_url)
    edit_link = review.soup.select_one('#court-reports a[href$="/edit"]')
    edit_url = edit_link["href"]
    assert edit_url == f"/admin/framework/versions/{draft.id}/skills/court-reports/edit"

    form = admin_client.get_page(edit_url)
    assert form.field_value("name") == "Court reports"
    assert form.field_value("target_pso") == "2"
    assert form.soup.select_one('input[name="risk_critical"][value="no"]').has_attr("checked")
    legends = [legend.get_text(strip=True) for legend in form.soup.select("legend")]
    assert legends == [
        "Is this skill risk-critical?",
        "Level descriptors",
        "Target level by experience band",
    ]
    skill = get_skill(draft, "court-reports")
    response = admin_client.submit(
        edit_url,
        skill_form(
            skill,
            name="Pre-sentence reports",
            description="Writes analytical reports.\r\n\r\nChecks are done before sentence.",
            risk_critical="yes",
            descriptor_2="Gives some analysis but misses checks.",
            target_pso="3",
            target_trainee="",
        ),
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"{review_url}#court-reports"
    review = admin_client.get_page(response.headers["Location"])
    assert "‘Pre-sentence reports’ was updated." in review.text
    section = review.soup.select_one("#court-reports")
    assert "Pre-sentence reports" in section.h3.get_text()
    assert section.find("strong", string="Risk-critical")
    assert "Gives some analysis but misses checks." in section.get_text()

    confirm = admin_client.get_page(f"{review_url}/publish")
    assert confirm.h1 == "Publish ‘Framework 2027’?"
    assert draft.name == "Framework 2027"
    assert (
        "‘Practice Learning skills framework 2026’, the version published now, will be retired."
        in confirm.text
    )
    response = admin_client.submit(f"{review_url}/publish")
    assert response.headers["Location"] == "/admin/framework/"
    versions = admin_client.get_page("/admin/framework/")
    assert (
        "‘Framework 2027’ is now the published skills framework. "
        "‘Practice Learning skills framework 2026’ has been retired."
    ) in versions.text
    assert [row[1] for row in versions.table_rows()] == ["Published", "Retired"]

    assert published_version() == draft
    assert published.status == VersionStatus.RETIRED
    skill = get_skill(draft, "court-reports")
    assert skill.name == "Pre-sentence reports" and skill.risk_critical
    assert skill.target_for("pso") == 3 and skill.target_for("trainee") is None
    assert audit_actions(admin) == [
        "framework.copy",
        "framework.skill.update",
        "framework.retire",
        "framework.publish",
    ]

    browse = admin_client.get_page("/framework/skills/court-reports")
    assert browse.h1 == "Pre-sentence reports"
    paragraphs = [p.get_text(strip=True) for p in browse.soup.select("main p.govuk-body-l")]
    assert paragraphs == ["Writes analytical reports.", "Checks are done before sentence."]


def test_publishing_the_first_version_says_so(admin_client, admin) -> None:
    version = load_framework(parse_framework_file(DEFAULT_FRAMEWORK_PATH))
    db.session.commit()
    url = f"/admin/framework/versions/{version.id}/publish"

    page = admin_client.get_page(url)
    assert "No version is published yet, so this will be the first." in page.text

    admin_client.submit(url)
    assert version.status == VersionStatus.PUBLISHED
    page = admin_client.get_page("/admin/framework/")
    assert "is now the published skills framework." in page.text
    assert "has been retired" not in page.text


def test_saving_without_changes_says_nothing_changed(admin_client, admin, draft) -> None:
    skill = get_skill(draft, "rosh-analysis")
    url = f"/admin/framework/versions/{draft.id}/skills/rosh-analysis/edit"

    response = admin_client.submit(url, skill_form(skill))

    page = admin_client.get_page(response.headers["Location"])
    assert "Nothing was changed in ‘Risk of serious harm analysis’." in page.text
    assert audit_actions(admin) == []


def test_edit_errors_keep_what_was_typed(admin_client, admin, draft) -> None:
    skill = get_skill(draft, "rosh-analysis")
    url = f"/admin/framework/versions/{draft.id}/skills/rosh-analysis/edit"
    typed = skill_form(
        skill,
        name="   ",
        description="A new description I typed.",
        descriptor_3="",
        descriptor_4="A new level 4 I typed.",
        target_spo="3",
        target_new="7",
        risk_critical="no",
    )

    response = admin_client.submit(url, typed)

    page = admin_client.page(response)
    assert response.status_code == 200
    assert page.title.startswith("Error: ")
    assert page.error_summary == [
        "Enter the skill name",
        "Enter the descriptor for level 3",
        "Select a target level for PO qualified under 2 years, or No target",
    ]
    assert page.field_value("description") == "A new description I typed."
    assert page.field_value("descriptor_4") == "A new level 4 I typed."
    assert page.field_value("target_spo") == "3"
    assert page.soup.select_one('input[name="risk_critical"][value="no"]').has_attr("checked")
    db.session.expire_all()
    assert get_skill(draft, "rosh-analysis").description == skill.description
    assert audit_actions(admin) == []


def test_a_published_version_cannot_be_edited(admin_client, admin, published) -> None:
    skill = get_skill(published, "rosh-analysis")
    base = f"/admin/framework/versions/{published.id}"

    admin_client.get_page(f"{base}/skills/rosh-analysis/edit", status=404)
    admin_client.get_page(f"{base}/publish", status=404)
    admin_client.get_page(f"{base}/delete", status=404)
    review = admin_client.get_page(base)
    assert "This version is published, so it cannot be changed." in review.text
    assert edit_links(review) == []

    # A form posted after someone else published the draft gets a clear error.
    token = admin_client.csrf_token("/admin/framework/upload")
    response = admin_client.post(
        f"{base}/skills/rosh-analysis/edit",
        data={**skill_form(skill, name="Changed"), "csrf_token": token},
    )
    page = admin_client.page(response)
    assert response.status_code == 200
    assert page.error_summary == [
        'Only a draft can be edited: "Practice Learning skills framework 2026" is published.'
    ]
    assert page.field_value("name") == "Changed"
    db.session.expire_all()
    assert get_skill(published, "rosh-analysis").name == "Risk of serious harm analysis"

    for action in ("publish", "delete"):
        response = admin_client.post(f"{base}/{action}", data={"csrf_token": token})
        page = admin_client.page(response)
        assert response.status_code == 200
        assert page.error_summary[0].startswith("Only a draft can be")
    assert published_version() == published
    assert audit_actions(admin) == []


def test_delete_a_draft(admin_client, admin, draft) -> None:
    url = f"/admin/framework/versions/{draft.id}/delete"
    draft_id = draft.id

    page = admin_client.get_page(url)
    assert page.h1 == "Delete the draft ‘Framework 2027’?"
    response = admin_client.submit(url)

    assert response.headers["Location"] == "/admin/framework/"
    assert db.session.get(FrameworkVersion, draft_id) is None
    assert count(FrameworkVersion) == 1
    assert audit_actions(admin) == ["framework.delete"]
    page = admin_client.get_page("/admin/framework/")
    assert "The draft ‘Framework 2027’ was deleted." in page.text
    admin_client.get_page(f"/admin/framework/versions/{draft_id}", status=404)


def test_every_admin_change_is_audited_with_the_admin_as_actor(admin_client, admin) -> None:
    upload(admin_client, DEFAULT_TEXT)
    version = db.session.scalars(select(FrameworkVersion)).one()
    admin_client.submit(f"/admin/framework/versions/{version.id}/publish")
    admin_client.submit("/admin/framework/copy-published", form_url="/admin/framework/")
    draft = db.session.scalars(
        select(FrameworkVersion).where(FrameworkVersion.status == VersionStatus.DRAFT)
    ).one()
    skill = get_skill(draft, "victim-focus")
    admin_client.submit(
        f"/admin/framework/versions/{draft.id}/skills/victim-focus/edit",
        skill_form(skill, target_pso=""),
    )
    admin_client.submit(f"/admin/framework/versions/{draft.id}/delete")

    events: list[Any] = list(
        db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.actor_id == admin.id, AuditEvent.action.startswith("framework."))
            .order_by(AuditEvent.id)
        )
    )
    assert [e.action for e in events] == [
        "framework.load",
        "framework.publish",
        "framework.copy",
        "framework.skill.update",
        "framework.delete",
    ]
    assert events[3].detail["changes"] == {"targets": {"pso": {"from": 3, "to": None}}}
    assert all(e.ip_address for e in events)
