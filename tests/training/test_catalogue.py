"""The catalogue document: its validation, loading it, and `flask training load FILE`."""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select

from learning_app.core.audit import AuditEvent
from learning_app.demo.seed import SeedContext
from learning_app.extensions import db
from learning_app.framework.loader import (
    DEFAULT_FRAMEWORK_PATH,
    load_framework,
    parse_framework_file,
)
from learning_app.framework.services import publish_version
from learning_app.training.catalogue import (
    DEFAULT_CATALOGUE_PATH,
    CatalogueError,
    load_catalogue,
    read_catalogue_file,
    seed_catalogue,
    validate_catalogue,
)
from learning_app.training.cli import training_cli
from learning_app.training.models import ModuleSkill, TrainingModule
from learning_app.training.queries import active_modules

DEFAULT = read_catalogue_file(DEFAULT_CATALOGUE_PATH)
FRAMEWORK_SLUGS = {
    skill["slug"]
    for domain in parse_framework_file(DEFAULT_FRAMEWORK_PATH)["domains"]
    for skill in domain["skills"]
}


def count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def module(**changes) -> dict:
    entry = {
        "code": "T-01",
        "title": "A module",
        "description": "What it covers.",
        "mode": "face_to_face",
        "duration_hours": 3,
        "provider": "HMPPS",
        "cohort_size": 12,
        "skills": [{"skill": "rosh-analysis", "from": 1, "to": 2}],
    }
    entry.update(changes)
    return {k: v for k, v in entry.items() if v is not ...}


@pytest.fixture
def framework(db_session):
    version = load_framework(parse_framework_file(DEFAULT_FRAMEWORK_PATH), actor=None)
    publish_version(version, actor=None)
    return version


# Validation -------------------------------------------------------------------------


def test_the_default_catalogue_is_valid_against_the_default_framework() -> None:
    assert validate_catalogue(DEFAULT, FRAMEWORK_SLUGS) == []
    assert len(DEFAULT["modules"]) == 28
    codes = [m["code"] for m in DEFAULT["modules"]]
    assert codes == [f"PL-{n:02}" for n in range(1, 29)]


def test_the_default_catalogue_follows_the_domain_notes() -> None:
    by_code = {m["code"]: m for m in DEFAULT["modules"]}
    assert by_code["PL-02"]["duration_hours"] == 8
    assert by_code["PL-25"]["mode"] == "coaching"
    assert by_code["PL-26"]["duration_hours"] == 40
    assert by_code["PL-21"]["mode"] == "blended"
    assert by_code["PL-05"]["skills"] == [
        {"skill": "rosh-analysis", "from": 1, "to": 2},
        {"skill": "rosh-analysis", "from": 2, "to": 3},
    ]
    assert by_code["PL-01"]["illustrative"] is False
    assert by_code["PL-04"]["illustrative"] is True
    for entry in DEFAULT["modules"]:
        assert ("cohort_size" in entry) == (entry["mode"] == "face_to_face"), entry["code"]


def test_every_problem_is_listed_naming_the_module_and_field() -> None:
    data = {
        "modules": [
            module(code="T-01", skills=[{"skill": "no-such-skill", "from": 1, "to": 2}]),
            module(code="T-02", skills=[{"skill": "rosh-analysis", "from": 3, "to": 2}]),
            module(code="T-03", title=..., description="  ", duration_hours=...),
            module(code="T-04", mode="webinar", cohort_size=None),
            module(code="T-01"),
        ]
    }
    errors = validate_catalogue(data, FRAMEWORK_SLUGS)
    assert errors == [
        'module 1 "T-01", skill "no-such-skill": no skill has this slug in the published framework',
        'module 2 "T-02", skill "rosh-analysis": to (2) must be above from (3)',
        'module 3 "T-03": title is missing',
        'module 3 "T-03": description is missing',
        'module 3 "T-03": duration_hours is missing',
        'module 4 "T-04": mode "webinar" is not one of e_learning, face_to_face, blended, '
        "coaching, shadowing, reflective_group",
        'module 5 "T-01": code T-01 is already used by module 1',
    ]


def test_without_a_framework_only_the_form_of_a_slug_is_checked() -> None:
    data = {"modules": [module(skills=[{"skill": "made-up", "from": 1, "to": 2}])]}
    assert validate_catalogue(data, None) == []
    data = {"modules": [module(skills=[{"skill": "Made Up", "from": 1, "to": 2}])]}
    assert validate_catalogue(data, None) == [
        'module 1 "T-01", skill "Made Up": skill must be a slug such as rosh-analysis'
    ]


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"code": "pl 1"}, "code must be capital letters and digits joined by hyphens"),
        ({"duration_hours": "two"}, "duration_hours must be a number of hours, not text"),
        ({"duration_hours": 0}, "duration_hours must be more than 0"),
        ({"mode": "blended"}, "cohort_size is only for face_to_face modules"),
        ({"cohort_size": 0}, "cohort_size must be a whole number from 1 to 500"),
        ({"link": "www.example.com"}, "link must start with https://"),
        ({"illustrative": "yes"}, "illustrative must be true or false, not text"),
        ({"skills": []}, "skills must be a list of {skill, from, to}"),
        ({"skills": ...}, "skills is missing"),
        ({"colour": "red"}, 'unknown field "colour"'),
        ({"skills": [{"skill": "rosh-analysis", "from": 0, "to": 2}]}, "from must be a level"),
        ({"skills": [{"skill": "rosh-analysis", "from": 2, "to": 2}]}, "to (2) must be above"),
        (
            {"skills": [{"skill": "rosh-analysis", "from": 1, "to": 2}] * 2},
            "from level 1 is mapped twice",
        ),
    ],
)
def test_each_rule(changes: dict, error: str) -> None:
    errors = validate_catalogue({"modules": [module(**changes)]}, FRAMEWORK_SLUGS)
    assert len(errors) == 1, errors
    assert error in errors[0]


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (None, "the document must be a mapping with the key modules, not nothing"),
        ({}, "modules is missing"),
        ({"modules": "PL-01"}, "modules must be a list of modules"),
        (
            {"modules": ["PL-01"]},
            "module 1: must be a mapping with code, title and so on, not text",
        ),
    ],
)
def test_the_shape_of_the_document(data: object, error: str) -> None:
    assert validate_catalogue(data, None) == [error]


def test_unreadable_files_say_why(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("modules: [\n")
    with pytest.raises(CatalogueError) as caught:
        read_catalogue_file(bad)
    assert caught.value.errors[0].startswith("line 2, column 1: the YAML cannot be read")
    with pytest.raises(CatalogueError, match="the file does not exist"):
        read_catalogue_file(tmp_path / "missing.yaml")
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("modules: caf\xe9".encode("latin-1"))
    with pytest.raises(CatalogueError, match="not UTF-8"):
        read_catalogue_file(latin)


# Loading ----------------------------------------------------------------------------


def test_the_default_file_loads_28_modules(framework) -> None:
    result = load_catalogue(DEFAULT, actor=None)

    assert len(result.created) == 28
    assert len(active_modules()) == 28
    rosh = db.session.scalar(select(TrainingModule).where(TrainingModule.code == "PL-05"))
    assert [(s.skill_slug, s.from_level, s.to_level) for s in rosh.skills] == [
        ("rosh-analysis", 1, 2),
        ("rosh-analysis", 2, 3),
    ]
    assert rosh.cohort_size == 14 and rosh.illustrative
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "training.catalogue_load")
    )
    assert len(event.detail["created"]) == 28


def test_loading_again_updates_by_code_and_replaces_skills(framework) -> None:
    load_catalogue(DEFAULT, actor=None)
    changed = copy.deepcopy(DEFAULT)
    changed["modules"][4]["title"] = "RoSH analysis, revised"
    changed["modules"][4]["skills"] = [{"skill": "rosh-analysis", "from": 1, "to": 3}]

    result = load_catalogue(changed, actor=None)

    assert result.created == [] and len(result.updated) == 28
    assert count(TrainingModule) == 28
    rosh = db.session.scalar(select(TrainingModule).where(TrainingModule.code == "PL-05"))
    assert rosh.title == "RoSH analysis, revised"
    assert [(s.skill_slug, s.from_level, s.to_level) for s in rosh.skills] == [
        ("rosh-analysis", 1, 3)
    ]


def test_an_invalid_document_writes_nothing(framework) -> None:
    broken = copy.deepcopy(DEFAULT)
    broken["modules"][27]["skills"][0]["skill"] = "oversight"
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(broken, actor=None)
    assert caught.value.errors == [
        'module 28 "PL-28", skill "oversight": no skill has this slug in the published framework'
    ]
    assert count(TrainingModule) == 0


def test_seeding_loads_the_catalogue_once(framework) -> None:
    ctx = SeedContext(password="unused", today=date(2026, 1, 5))
    seed_catalogue(ctx)
    seed_catalogue(ctx)
    assert ctx.summary.created["training modules"] == 28
    assert count(TrainingModule) == 28


# The command ------------------------------------------------------------------------


def test_cli_loads_a_good_file(app, framework, tmp_path: Path) -> None:
    result = app.test_cli_runner().invoke(training_cli, ["load", str(DEFAULT_CATALOGUE_PATH)])

    assert result.exit_code == 0, result.output
    assert "28 modules added, 0 updated" in result.output
    assert count(TrainingModule) == 28
    assert count(ModuleSkill) == 45


def test_cli_lists_every_problem_and_writes_nothing(app, framework, tmp_path: Path) -> None:
    broken = copy.deepcopy(DEFAULT)
    broken["modules"][0]["mode"] = "online"
    broken["modules"][1]["skills"][0]["to"] = 2
    del broken["modules"][2]["provider"]
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(broken))

    result = app.test_cli_runner().invoke(training_cli, ["load", str(path)])

    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert lines == [
        f'{path}: module 1 "PL-01": mode "online" is not one of e_learning, face_to_face, '
        "blended, coaching, shadowing, reflective_group",
        f'{path}: module 2 "PL-02", skill "reflective-practice": to (2) must be above from (2)',
        f'{path}: module 3 "PL-03": provider is missing',
    ]
    assert count(TrainingModule) == 0


def test_cli_refuses_a_missing_file(app, db_session, tmp_path: Path) -> None:
    result = app.test_cli_runner().invoke(training_cli, ["load", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 1
    assert "the file does not exist" in result.output
