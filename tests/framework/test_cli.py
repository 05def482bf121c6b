"""`flask framework load FILE`."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from learning_app.extensions import db
from learning_app.framework.loader import DEFAULT_FRAMEWORK_PATH
from learning_app.framework.models import FrameworkVersion, Skill, VersionStatus
from learning_app.framework.queries import published_version


def count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def valid_file(tmp_path: Path) -> Path:
    return Path(shutil.copy(DEFAULT_FRAMEWORK_PATH, tmp_path / "framework.yaml"))


@pytest.fixture
def invalid_file(tmp_path: Path) -> Path:
    text = DEFAULT_FRAMEWORK_PATH.read_text()
    text = text.replace("slug: court-reports", "slug: Court Reports", 1)
    text = text.replace("targets: {new: 2, experienced: 3, spo: 4}", "targets: {senior: 4}", 1)
    text = text.replace("name: Engagement\n", "name: ''\n", 1)
    path = tmp_path / "broken.yaml"
    path.write_text(text)
    return path


def test_load_a_valid_file_as_a_draft(runner, valid_file: Path) -> None:
    result = runner.invoke(args=["framework", "load", str(valid_file)])

    assert result.exit_code == 0, result.output
    version = db.session.scalars(select(FrameworkVersion)).one()
    assert result.stdout == (
        f"Loaded framework version {version.id} (5 domains, 17 skills) as a draft\n"
    )
    assert version.status == VersionStatus.DRAFT
    assert count(Skill) == 17


def test_load_and_publish_with_a_name(runner, valid_file: Path) -> None:
    result = runner.invoke(
        args=["framework", "load", str(valid_file), "--publish", "--name", "Trial 2026"]
    )

    assert result.exit_code == 0, result.output
    version = published_version()
    assert version is not None and version.name == "Trial 2026"
    assert result.stdout == (
        f"Loaded framework version {version.id} (5 domains, 17 skills) and published it\n"
    )


def test_publishing_again_retires_the_previous_version(runner, valid_file: Path) -> None:
    runner.invoke(args=["framework", "load", str(valid_file), "--publish"])
    first = published_version()

    result = runner.invoke(args=["framework", "load", str(valid_file), "--publish"])

    assert result.exit_code == 0, result.output
    assert f"and published it (version {first.id} is now retired)" in result.stdout
    assert first.status == VersionStatus.RETIRED


def test_an_invalid_file_prints_every_error_and_writes_nothing(runner, invalid_file: Path) -> None:
    result = runner.invoke(args=["framework", "load", str(invalid_file), "--publish"])

    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f'{invalid_file}: domain B, skill "Court Reports": slug "Court Reports" must contain '
        "only lowercase letters, digits and hyphens, and start and end with a letter or digit",
        f"{invalid_file}: domain C: name is empty",
        f'{invalid_file}: domain E, skill "coaching-others": targets: band "senior" is not one '
        "of pso, trainee, new, experienced, spo",
    ]
    assert count(FrameworkVersion) == 0
    assert count(Skill) == 0


@pytest.mark.parametrize(
    ("content", "name", "expected"),
    [
        (None, "missing.yaml", "the file does not exist"),
        ("name: [unclosed\n", "framework.yaml", "line 2, column 1: the YAML cannot be read:"),
        ("{}", "framework.csv", "the file name must end in .yaml, .yml or .json, not .csv"),
    ],
)
def test_unreadable_files_exit_1(
    runner, tmp_path: Path, content: str | None, name: str, expected: str
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_text(content)

    result = runner.invoke(args=["framework", "load", str(path)])

    assert result.exit_code == 1
    assert result.stderr.startswith(f"{path}: {expected}")
    assert count(FrameworkVersion) == 0


def test_a_name_that_is_too_long_is_refused(runner, valid_file: Path) -> None:
    result = runner.invoke(args=["framework", "load", str(valid_file), "--name", "n" * 121])

    assert result.exit_code == 1
    assert result.stderr == f"{valid_file}: --name must be 120 characters or fewer\n"
    assert count(FrameworkVersion) == 0
