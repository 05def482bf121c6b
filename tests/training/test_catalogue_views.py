"""The catalogue pages: browsing and filtering, and maintaining modules and their skills."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from learning_app.accounts.constants import Grade, Role
from learning_app.core.audit import AuditEvent
from learning_app.extensions import db
from learning_app.framework.loader import (
    DEFAULT_FRAMEWORK_PATH,
    load_framework,
    parse_framework_file,
)
from learning_app.framework.services import publish_version
from learning_app.training.catalogue import (
    DEFAULT_CATALOGUE_PATH,
    load_catalogue,
    read_catalogue_file,
)
from learning_app.training.models import TrainingModule

GOOD = {
    "code": "pl-29",
    "title": "Working with interpreters",
    "description": "Planning sessions that use an interpreter.",
    "delivery_mode": "face_to_face",
    "duration_hours": "2.5",
    "provider": "PDU learning and development team",
    "link": "https://example.test/interpreters",
    "cohort_size": "12",
}
MANAGEMENT_URLS = [
    ("get", "/training/retired"),
    ("get", "/training/modules/new"),
    ("get", "/training/modules/PL-05/edit"),
    ("get", "/training/modules/PL-05/retire"),
    ("get", "/training/modules/PL-05/unretire"),
    ("get", "/training/modules/PL-05/skills"),
    ("post", "/training/modules/PL-05/skills/1/remove"),
]


@pytest.fixture
def catalogue(db_session):
    version = load_framework(parse_framework_file(DEFAULT_FRAMEWORK_PATH), actor=None)
    publish_version(version, actor=None)
    load_catalogue(read_catalogue_file(DEFAULT_CATALOGUE_PATH), actor=None)
    db_session.flush()


def person(factories, role: Role):
    if role == Role.SPO:
        return factories.spo(factories.team())
    scope = factories.pdu() if role in (Role.QDO, Role.LD_LEAD, Role.LEADER) else None
    return factories.user(role=role, scope=scope, grade=Grade.OTHER)


@pytest.fixture
def ld_lead(client, factories, catalogue):
    user = person(factories, Role.LD_LEAD)
    client.sign_in(user.email)
    return user


def module(code: str) -> TrainingModule:
    return db.session.scalar(select(TrainingModule).where(TrainingModule.code == code))


def actions(prefix: str = "training.module") -> list[str]:
    stmt = select(AuditEvent.action).where(AuditEvent.action.startswith(prefix))
    return list(db.session.scalars(stmt.order_by(AuditEvent.id)))


# Access -------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client, catalogue) -> None:
    for url in ["/training/", "/training/modules/PL-05"] + [u for _, u in MANAGEMENT_URLS]:
        response = client.get(url) if not url.endswith("remove") else client.post(url)
        assert response.status_code in (302, 400), url
        if response.status_code == 302:
            assert "/sign-in" in response.headers["Location"], url


@pytest.mark.parametrize("role", [Role.PRACTITIONER, Role.SPO, Role.QDO, Role.LEADER])
def test_other_roles_browse_but_cannot_manage(client, factories, catalogue, role) -> None:
    client.sign_in(person(factories, role).email)
    page = client.get_page("/training/")
    assert "Add a module" not in page.text
    page = client.get_page("/training/modules/PL-05")
    assert "Manage this module" not in page.text
    token = client.csrf_token("/training/")
    for method, url in MANAGEMENT_URLS:
        if method == "get":
            assert client.get(url).status_code == 404, url
        else:
            assert client.post(url, data={"csrf_token": token}).status_code == 404, url


@pytest.mark.parametrize("role", [Role.LD_LEAD, Role.ADMIN])
def test_ld_leads_and_admins_manage(client, factories, catalogue, role) -> None:
    client.sign_in(person(factories, role).email)
    for method, url in MANAGEMENT_URLS:
        if method == "get":
            client.get_page(url)
    assert "Manage this module" in client.get_page("/training/modules/PL-05").text


def test_unknown_and_impossible_codes_are_404(client, ld_lead) -> None:
    client.get_page("/training/modules/PL-99", status=404)
    client.get_page("/training/modules/not%20a%20code", status=404)
    client.get_page("/training/modules/" + "A" * 300 + "/edit", status=404)
    token = client.csrf_token("/training/modules/PL-05/skills")
    for mapping_id in ("999", "99999999999"):
        url = f"/training/modules/PL-05/skills/{mapping_id}/remove"
        assert client.post(url, data={"csrf_token": token}).status_code == 404


# Browsing ------------------------------------------------------------------------------


def test_browse_lists_modules_with_mode_duration_and_skills(client, factories, catalogue):
    client.sign_in(person(factories, Role.PRACTITIONER).email)
    page = client.get_page("/training/")
    rows = page.table_rows("#modules")
    assert len(rows) == 28
    assert rows[4][0].startswith("PL-05 RoSH analysis")
    assert rows[4][1:3] == ["Face-to-face", "7 hours"]
    assert rows[4][3] == (
        "Risk of serious harm analysis: level 1 to 2 Risk of serious harm analysis: level 2 to 3"
    )


def test_browse_filters_by_skill_and_mode(client, factories, catalogue):
    client.sign_in(person(factories, Role.PRACTITIONER).email)
    page = client.get_page("/training/?skill=rosh-analysis")
    codes = [row[0].split()[0] for row in page.table_rows("#modules")]
    assert codes == ["PL-05", "PL-06", "PL-24", "PL-25"]
    assert page.field_value("skill") == "rosh-analysis"

    page = client.get_page("/training/?skill=rosh-analysis&mode=face_to_face")
    assert [row[0].split()[0] for row in page.table_rows("#modules")] == ["PL-05"]
    assert page.field_value("mode") == "face_to_face"

    page = client.get_page("/training/?mode=shadowing")
    assert [row[0].split()[0] for row in page.table_rows("#modules")] == ["PL-13", "PL-18"]


def test_unknown_filter_values_are_ignored(client, factories, catalogue):
    client.sign_in(person(factories, Role.PRACTITIONER).email)
    page = client.get_page("/training/?skill=%00%ff&mode=webinar&mode=1")
    assert len(page.table_rows("#modules")) == 28


def test_retired_modules_are_hidden_from_everyone_but_managers(client, factories, catalogue):
    module("PL-05").retired_at = db.func.now()
    db.session.flush()
    client.sign_in(person(factories, Role.PRACTITIONER).email)
    page = client.get_page("/training/?skill=rosh-analysis")
    assert "PL-05" not in page.text
    client.get_page("/training/modules/PL-05", status=404)


# Creating and editing --------------------------------------------------------------------


def test_create_a_module_then_map_it(client, ld_lead) -> None:
    response = client.submit("/training/modules/new", GOOD)

    assert response.status_code == 302
    assert response.headers["Location"].endswith("/training/modules/PL-29/skills")
    created = module("PL-29")
    assert created.duration_hours == 2.5 and created.cohort_size == 12
    assert not created.illustrative
    page = client.get_page("/training/modules/PL-29/skills")
    assert "Module PL-29 added" in page.text

    response = client.submit(
        "/training/modules/PL-29/skills",
        {"skill": "diversity-responsive", "from_level": "1", "to_level": "3"},
    )
    assert response.status_code == 302
    page = client.get_page("/training/modules/PL-29/skills")
    assert page.table_rows("#mappings")[0][:3] == ["Responding to diversity", "1", "3"]
    assert actions() == ["training.module_create", "training.module_skill_add"]


def test_bad_input_is_refused_and_what_was_typed_is_kept(client, ld_lead) -> None:
    typed = {
        "code": "PL 30!",
        "title": "",
        "description": "Kept description",
        "delivery_mode": "webinar",
        "duration_hours": "two",
        "provider": "Somebody",
        "link": "example.test",
        "cohort_size": "lots",
    }
    page = client.page(client.submit("/training/modules/new", typed))

    assert page.title.startswith("Error: ")
    assert page.error_summary == [
        "Module code must be capital letters and numbers joined by hyphens, like PL-29",
        "Enter a title",
        "Select a delivery mode from the list",
        "Duration must be a number of hours, like 3 or 1.5",
        "Enter a link in the correct format, like https://www.gov.uk",
        "Cohort size must be a whole number from 1 to 500",
    ]
    assert page.field_value("code") == "PL 30!"
    assert page.field_value("description") == "Kept description"
    assert page.field_value("duration_hours") == "two"
    assert page.field_value("cohort_size") == "lots"
    assert actions() == []


def test_a_duplicate_code_is_refused(client, ld_lead) -> None:
    page = client.page(client.submit("/training/modules/new", {**GOOD, "code": "pl-05"}))
    assert page.error_summary == ["A module with the code PL-05 already exists"]
    assert page.field_value("title") == GOOD["title"]


def test_cohort_size_is_only_for_face_to_face(client, ld_lead) -> None:
    page = client.page(
        client.submit("/training/modules/new", {**GOOD, "delivery_mode": "e_learning"})
    )
    assert page.error_summary == ["Cohort size is only for face-to-face modules"]


def test_edit_a_module(client, ld_lead) -> None:
    page = client.get_page("/training/modules/PL-05/edit")
    assert page.field_value("code") == "PL-05"
    assert page.field_value("duration_hours") == "7"
    data = {
        "code": "PL-05",
        "title": "RoSH analysis, revised",
        "description": page.field_value("description"),
        "delivery_mode": "blended",
        "duration_hours": "6",
        "provider": "HMPPS",
        "link": "",
        "cohort_size": "",
    }
    response = client.submit("/training/modules/PL-05/edit", data)
    assert response.status_code == 302
    edited = module("PL-05")
    assert edited.title == "RoSH analysis, revised" and edited.cohort_size is None
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "training.module_update")
    )
    assert event.detail["changed"] == [
        "cohort_size",
        "delivery_mode",
        "duration_hours",
        "illustrative",
        "provider",
        "title",
    ]
    # Renaming a module to another's code is refused.
    page = client.page(client.submit("/training/modules/PL-05/edit", {**data, "code": "PL-06"}))
    assert page.error_summary == ["A module with the code PL-06 already exists"]


# Retiring --------------------------------------------------------------------------------


def test_retire_and_put_back(client, ld_lead) -> None:
    page = client.get_page("/training/modules/PL-05/retire")
    assert page.h1 == "Are you sure you want to retire this module?"
    assert module("PL-05").retired_at is None

    client.submit("/training/modules/PL-05/retire", {}, status=302)
    assert module("PL-05").retired_at is not None
    listed = [row[0] for row in client.get_page("/training/").table_rows("#modules")]
    assert not any(code.startswith("PL-05") for code in listed)
    retired = client.get_page("/training/retired").table_rows("#modules")
    assert [row[0].split()[0] for row in retired] == ["PL-05"]
    page = client.get_page("/training/modules/PL-05")
    assert "This module is retired" in page.text

    client.submit("/training/modules/PL-05/unretire", {}, status=302)
    assert module("PL-05").retired_at is None
    assert actions() == ["training.module_retire", "training.module_unretire"]


def test_retire_without_a_token_changes_nothing(client, ld_lead) -> None:
    assert client.post("/training/modules/PL-05/retire", data={}).status_code == 400
    assert module("PL-05").retired_at is None


# Skill mappings ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({}, ["Select a skill", "Select the from level", "Select the to level"]),
        (
            {"skill": "rosh-analysis", "from_level": "3", "to_level": "2"},
            ["To level must be above the from level"],
        ),
        (
            {"skill": "no-such-skill", "from_level": "1", "to_level": "9"},
            ["Select a skill from the list", "Select the to level from the list"],
        ),
        (
            {"skill": "rosh-analysis", "from_level": "1", "to_level": "4"},
            ["This module already addresses this skill from level 1"],
        ),
    ],
)
def test_mapping_refuses_bad_input(client, ld_lead, data, errors) -> None:
    page = client.page(client.submit("/training/modules/PL-05/skills", data))
    assert page.error_summary == errors
    assert len(module("PL-05").skills) == 2
    if data.get("skill") == "rosh-analysis":
        assert page.field_value("skill") == "rosh-analysis"


def test_remove_a_mapping(client, ld_lead) -> None:
    mapping = module("PL-05").skills[0]
    page = client.get_page("/training/modules/PL-05/skills")
    assert len(page.table_rows("#mappings")) == 2

    client.submit(
        f"/training/modules/PL-05/skills/{mapping.id}/remove",
        form_url="/training/modules/PL-05/skills",
        status=302,
    )
    assert [(s.from_level, s.to_level) for s in module("PL-05").skills] == [(2, 3)]
    assert actions() == ["training.module_skill_remove"]
    # Another module's mapping cannot be removed through this one.
    other = module("PL-06").skills[0]
    response = client.submit(
        f"/training/modules/PL-05/skills/{other.id}/remove",
        form_url="/training/modules/PL-05/skills",
    )
    assert response.status_code == 404


def test_module_page_shows_the_details_and_a_safe_link(client, ld_lead) -> None:
    client.submit("/training/modules/new", {**GOOD, "link": 'https://example.test/"><b>x'})
    page = client.get_page("/training/modules/PL-29")
    assert page.h1 == "Working with interpreters"
    link = page.soup.select_one("main dd a.govuk-link")
    assert link["href"] == 'https://example.test/"><b>x'
    assert page.soup.select_one("main dd b") is None
    assert "12 people" in page.text and "2.5 hours" in page.text


def test_remove_buttons_name_what_they_remove(client, ld_lead) -> None:
    page = client.get_page("/training/modules/PL-05/skills")
    button = page.soup.select_one("#mappings button")
    assert button.get_text(" ", strip=True) == ("Remove Risk of serious harm analysis from level 1")


def test_retiring_twice_says_so(client, ld_lead) -> None:
    token = client.csrf_token("/training/modules/PL-05/retire")
    client.post("/training/modules/PL-05/retire", data={"csrf_token": token})
    page = client.page(client.post("/training/modules/PL-05/retire", data={"csrf_token": token}))
    assert "This module is already retired" in page.text
    assert actions() == ["training.module_retire"]


def test_set_skill_mappings_replaces_them_all(ld_lead) -> None:
    from learning_app.training.services import TrainingError, set_skill_mappings

    rosh = module("PL-05")
    set_skill_mappings(ld_lead, rosh, [("rosh-analysis", 2, 3), ("victim-focus", 1, 2)])
    assert [(s.skill_slug, s.from_level, s.to_level) for s in rosh.skills] == [
        ("rosh-analysis", 2, 3),
        ("victim-focus", 1, 2),
    ]
    with pytest.raises(TrainingError, match="To level must be above"):
        set_skill_mappings(ld_lead, rosh, [("rosh-analysis", 3, 3)])
    with pytest.raises(TrainingError, match="given twice"):
        set_skill_mappings(ld_lead, rosh, [("rosh-analysis", 1, 2), ("rosh-analysis", 1, 3)])
    assert actions() == ["training.module_skills_set"]
