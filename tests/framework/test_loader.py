"""The default framework file, and how broken framework documents are reported."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from learning_app.framework.loader import (
    DEFAULT_FRAMEWORK_PATH,
    FrameworkFileError,
    parse_framework_file,
    validate_framework,
)

BANDS = "pso, trainee, new, experienced, spo"
RISK_CRITICAL = {
    "rosh-analysis",
    "safeguarding-enquiries",
    "professional-curiosity",
    "victim-focus",
    "risk-planning",
    "multi-agency-working",
    "defensible-decisions",
}
SLUGS_BY_DOMAIN = {
    "A": [
        "rosh-analysis",
        "safeguarding-enquiries",
        "professional-curiosity",
        "victim-focus",
        "diversity-responsive",
    ],
    "B": ["risk-planning", "multi-agency-working", "interventions-desistance", "court-reports"],
    "C": ["engagement-skills", "challenging-conversations", "collaborative-review"],
    "D": ["defensible-decisions", "reflective-practice", "case-recording"],
    "E": ["management-oversight", "coaching-others"],
}


@cache
def _default() -> dict[str, Any]:
    return parse_framework_file(DEFAULT_FRAMEWORK_PATH)


def default_doc() -> dict[str, Any]:
    """A fresh deep copy of the default framework, safe to break."""
    return copy.deepcopy(_default())


def skill(doc: dict[str, Any], slug: str) -> dict[str, Any]:
    return next(s for d in doc["domains"] for s in d["skills"] if s["slug"] == slug)


def all_skills(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for d in doc["domains"] for s in d["skills"]]


# The default file -----------------------------------------------------------------------


def test_default_framework_is_valid() -> None:
    assert validate_framework(default_doc()) == []


def test_default_framework_has_17_skills_in_5_domains() -> None:
    doc = default_doc()
    assert [(d["code"], d["name"]) for d in doc["domains"]] == [
        ("A", "Assessment"),
        ("B", "Planning and delivery"),
        ("C", "Engagement"),
        ("D", "Judgement and reflection"),
        ("E", "Oversight and development"),
    ]
    assert {d["code"]: [s["slug"] for s in d["skills"]] for d in doc["domains"]} == (
        SLUGS_BY_DOMAIN
    )
    assert len(all_skills(doc)) == 17
    assert doc["name"] == "Practice Learning skills framework 2026"


def test_every_skill_has_a_name_description_and_four_descriptors() -> None:
    for s in all_skills(default_doc()):
        assert s["name"].strip() and s["description"].strip(), s["slug"]
        assert sorted(s["descriptors"]) == [1, 2, 3, 4], s["slug"]
        texts = list(s["descriptors"].values())
        assert all(len(t) > 20 for t in texts), s["slug"]
        assert len(set(texts)) == 4, f"{s['slug']} repeats a descriptor"


def test_practitioner_text_has_no_source_keys() -> None:
    source_key = re.compile(r"\b(S[0-4]|W\d{1,2})\b")
    for s in all_skills(default_doc()):
        for text in [s["name"], s["description"], *s["descriptors"].values()]:
            assert not source_key.search(text), (s["slug"], text)


def test_risk_critical_skills_are_the_keeping_safe_ones() -> None:
    flagged = {s["slug"] for s in all_skills(default_doc()) if s["risk_critical"]}
    assert flagged == RISK_CRITICAL


@pytest.mark.parametrize(
    ("slug", "band", "level"),
    [
        ("safeguarding-enquiries", "trainee", 3),
        ("rosh-analysis", "pso", 3),
        ("rosh-analysis", "spo", 4),
        ("court-reports", "pso", 2),
        ("management-oversight", "new", 2),
        ("reflective-practice", "pso", 2),
        ("coaching-others", "new", 2),
        ("coaching-others", "spo", 4),
    ],
)
def test_default_targets(slug: str, band: str, level: int) -> None:
    assert skill(default_doc(), slug)["targets"][band] == level


def test_coaching_others_has_no_target_for_pso_or_trainee() -> None:
    assert set(skill(default_doc(), "coaching-others")["targets"]) == {"new", "experienced", "spo"}


def test_every_other_skill_has_a_target_for_every_band() -> None:
    for s in all_skills(default_doc()):
        if s["slug"] != "coaching-others":
            assert set(s["targets"]) == set(BANDS.split(", ")), s["slug"]


# Broken documents -----------------------------------------------------------------------

Mutation = Callable[[dict[str, Any]], object]


def _set(slug: str, key: str, value: object) -> Mutation:
    return lambda doc: skill(doc, slug).__setitem__(key, value)


def _target(slug: str, band: str, value: object) -> Mutation:
    return lambda doc: skill(doc, slug)["targets"].__setitem__(band, value)


def _descriptor(slug: str, level: object, value: object) -> Mutation:
    return lambda doc: skill(doc, slug)["descriptors"].__setitem__(level, value)


BROKEN = [
    pytest.param(
        lambda doc: skill(doc, "risk-planning")["descriptors"].pop(3),
        'domain B, skill "risk-planning": descriptors: level 3 is missing',
        id="descriptor-missing",
    ),
    pytest.param(
        _descriptor("engagement-skills", 2, "   "),
        'domain C, skill "engagement-skills": descriptors: level 2 is empty',
        id="descriptor-empty",
    ),
    pytest.param(
        _descriptor("case-recording", 5, "Writes the team's recording guidance."),
        'domain D, skill "case-recording": descriptors: level 5 is not one of 1, 2, 3, 4',
        id="descriptor-level-5",
    ),
    pytest.param(
        _descriptor("case-recording", 4, ["a list"]),
        'domain D, skill "case-recording": descriptors: level 4 must be text, not a list',
        id="descriptor-not-text",
    ),
    pytest.param(
        _set("victim-focus", "descriptors", ["one", "two", "three", "four"]),
        'domain A, skill "victim-focus": descriptors must be a mapping of levels 1 to 4 to '
        "text, not a list",
        id="descriptors-list",
    ),
    pytest.param(
        lambda doc: doc["domains"][0]["skills"][1].pop("slug"),
        "domain A, skill 2: slug is missing",
        id="slug-missing",
    ),
    pytest.param(
        _set("court-reports", "slug", "Court_Reports"),
        'domain B, skill "Court_Reports": slug "Court_Reports" must contain only lowercase '
        "letters, digits and hyphens, and start and end with a letter or digit",
        id="slug-format",
    ),
    pytest.param(
        _set("court-reports", "slug", "c" * 61),
        "domain B, skill 4: slug is 61 characters long; the most allowed is 60",
        id="slug-too-long",
    ),
    pytest.param(
        _set("case-recording", "slug", "rosh-analysis"),
        'domain D, skill "rosh-analysis": slug "rosh-analysis" is already used in domain A',
        id="slug-duplicate",
    ),
    pytest.param(
        lambda doc: doc["domains"][1].__setitem__("code", "A"),
        'domain 2: code "A" is already used by domain 1',
        id="domain-code-duplicate",
    ),
    pytest.param(
        lambda doc: doc["domains"][2].__setitem__("code", "CCCCCCCCCCC"),
        "domain 3: code is 11 characters long; the most allowed is 10",
        id="domain-code-too-long",
    ),
    pytest.param(
        lambda doc: doc["domains"][4].__setitem__("name", ""),
        "domain E: name is empty",
        id="domain-name-empty",
    ),
    pytest.param(
        lambda doc: doc["domains"][3].__setitem__("skills", []),
        "domain D: skills is empty: add at least one skill",
        id="skills-empty",
    ),
    pytest.param(
        _set("engagement-skills", "name", "  "),
        'domain C, skill "engagement-skills": name is empty',
        id="skill-name-empty",
    ),
    pytest.param(
        _set("engagement-skills", "name", 42),
        'domain C, skill "engagement-skills": name must be text, not a number',
        id="skill-name-number",
    ),
    pytest.param(
        _set("engagement-skills", "name", "n" * 121),
        'domain C, skill "engagement-skills": name is 121 characters long; the most allowed is 120',
        id="skill-name-too-long",
    ),
    pytest.param(
        lambda doc: skill(doc, "victim-focus").pop("description"),
        'domain A, skill "victim-focus": description is missing',
        id="description-missing",
    ),
    pytest.param(
        _set("victim-focus", "risk_critical", "yes"),
        'domain A, skill "victim-focus": risk_critical must be true or false, not "yes"',
        id="risk-critical-text",
    ),
    pytest.param(
        lambda doc: skill(doc, "victim-focus").pop("risk_critical"),
        'domain A, skill "victim-focus": risk_critical is missing: give true or false',
        id="risk-critical-missing",
    ),
    pytest.param(
        _target("court-reports", "senior", 3),
        f'domain B, skill "court-reports": targets: band "senior" is not one of {BANDS}',
        id="target-band-unknown",
    ),
    pytest.param(
        _target("rosh-analysis", "pso", 5),
        'domain A, skill "rosh-analysis": targets: level 5 for band "pso" must be a whole '
        "number from 1 to 4",
        id="target-level-5",
    ),
    pytest.param(
        _target("rosh-analysis", "spo", 2.5),
        'domain A, skill "rosh-analysis": targets: level 2.5 for band "spo" must be a whole '
        "number from 1 to 4",
        id="target-level-fraction",
    ),
    pytest.param(
        _target("rosh-analysis", "new", "3"),
        'domain A, skill "rosh-analysis": targets: level "3" for band "new" must be a whole '
        "number from 1 to 4",
        id="target-level-text",
    ),
    pytest.param(
        _set("coaching-others", "targets", [2, 3, 4]),
        'domain E, skill "coaching-others": targets must be a mapping of band to level, not a list',
        id="targets-list",
    ),
    pytest.param(
        _set("rosh-analysis", "colour", "red"),
        'domain A, skill "rosh-analysis": unknown key "colour" (expected slug, name, '
        "description, risk_critical, descriptors, targets)",
        id="skill-unknown-key",
    ),
    pytest.param(
        lambda doc: doc.__setitem__("name", "v" * 121),
        "name is 121 characters long; the most allowed is 120",
        id="version-name-too-long",
    ),
    pytest.param(
        lambda doc: doc.pop("name"),
        "name is missing",
        id="version-name-missing",
    ),
    pytest.param(
        lambda doc: doc.__setitem__("domains", []),
        "domains is empty: add at least one domain",
        id="domains-empty",
    ),
    pytest.param(
        lambda doc: doc.__setitem__("domains", {"A": "Assessment"}),
        "domains must be a list, not a mapping",
        id="domains-mapping",
    ),
]


@pytest.mark.parametrize(("mutate", "expected"), BROKEN)
def test_broken_document_names_skill_and_field(mutate: Mutation, expected: str) -> None:
    doc = default_doc()
    mutate(doc)
    assert validate_framework(doc) == [expected]


def test_every_problem_is_listed_not_only_the_first() -> None:
    doc = default_doc()
    skill(doc, "rosh-analysis")["descriptors"].pop(2)
    skill(doc, "court-reports")["targets"]["senior"] = 3
    skill(doc, "coaching-others")["risk_critical"] = None

    assert validate_framework(doc) == [
        'domain A, skill "rosh-analysis": descriptors: level 2 is missing',
        f'domain B, skill "court-reports": targets: band "senior" is not one of {BANDS}',
        'domain E, skill "coaching-others": risk_critical is missing: give true or false',
    ]


@pytest.mark.parametrize("document", [None, [], "a framework", 3])
def test_a_document_that_is_not_a_mapping_is_refused(document: object) -> None:
    [error] = validate_framework(document)
    assert error.startswith("the document must be a mapping with the keys name, notes and domains")


def test_a_null_target_means_no_target() -> None:
    doc = default_doc()
    skill(doc, "coaching-others")["targets"]["pso"] = None
    assert validate_framework(doc) == []


# Files ----------------------------------------------------------------------------------


def test_json_file_with_text_level_keys_is_read(tmp_path: Path) -> None:
    path = tmp_path / "framework.json"
    path.write_text(json.dumps(default_doc()))  # JSON turns the level keys into "1".."4"

    assert sorted(skill(parse_framework_file(path), "rosh-analysis")["descriptors"]) == [
        "1",
        "2",
        "3",
        "4",
    ]


def _file_errors(path: Path) -> list[str]:
    with pytest.raises(FrameworkFileError) as caught:
        parse_framework_file(path)
    return caught.value.errors


def test_yaml_syntax_error_gives_the_line(tmp_path: Path) -> None:
    path = tmp_path / "framework.yaml"
    path.write_text("name: Framework\ndomains:\n  - code: A\n    name: [Assessment\n")

    [error] = _file_errors(path)
    assert error.startswith("line 5, column 1: the YAML cannot be read:")


def test_duplicate_yaml_keys_are_refused_with_the_line(tmp_path: Path) -> None:
    text = DEFAULT_FRAMEWORK_PATH.read_text()
    path = tmp_path / "framework.yml"
    path.write_text(text.replace("name: Assessment\n", "name: Assessment\n    name: Again\n", 1))

    [error] = _file_errors(path)
    assert re.fullmatch(
        r'line \d+, column 5: the YAML cannot be read: found the key "name" twice', error
    )


def test_json_syntax_error_gives_the_line(tmp_path: Path) -> None:
    path = tmp_path / "framework.json"
    path.write_text('{\n  "name": "Framework",\n  "domains": [\n}\n')

    assert _file_errors(path) == [
        "line 4, column 1: the JSON cannot be read: Expecting value",
    ]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("missing.yaml", "the file does not exist"),
        ("framework.txt", "the file name must end in .yaml, .yml or .json, not .txt"),
    ],
)
def test_unreadable_files(tmp_path: Path, name: str, expected: str) -> None:
    path = tmp_path / name
    if name.endswith(".txt"):
        path.write_text("name: x")
    assert _file_errors(path) == [expected]


def test_invalid_file_lists_validation_errors(tmp_path: Path) -> None:
    path = tmp_path / "framework.yaml"
    path.write_text("name: Framework\ndomains: []\nextra: 1\n")

    assert _file_errors(path) == [
        'unknown key "extra" (expected name, notes, domains)',
        "domains is empty: add at least one domain",
    ]
