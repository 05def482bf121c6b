"""The rebuild: profiles recomputed from history equal those kept up to date as evidence
changed, and the command an operator runs every night."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from sqlalchemy import event, select

from learning_app.accounts.constants import Grade
from learning_app.core.events import evidence_changed
from learning_app.extensions import db
from learning_app.observations.models import ObservationStatus, ObservationType
from learning_app.profiles.cli import rebuild_command
from learning_app.profiles.models import SkillProfileRecord
from learning_app.profiles.services import rebuild_all, refresh_profiles
from tests.profiles.conftest import AS_OF

FLOAT_FIELDS = ("observed_level", "level", "gap", "priority")


def snapshot() -> dict[tuple[int, str], dict]:
    """Every stored profile as the database holds it (not as the session remembers it)."""
    table = SkillProfileRecord.__table__
    rows = db.session.execute(select(table)).mappings()
    return {
        (row["practitioner_id"], row["skill_slug"]): {
            key: value for key, value in row.items() if key != "updated_at"
        }
        for row in rows
    }


def assert_same_profiles(incremental: dict, rebuilt: dict) -> None:
    assert incremental.keys() == rebuilt.keys()
    for key, row in rebuilt.items():
        mine = incremental[key]
        for name, value in row.items():
            if name in FLOAT_FIELDS and value is not None:
                assert mine[name] == pytest.approx(value), (key, name)
            else:
                assert mine[name] == value, (key, name)


class RandomWrites:
    """Random evidence writes, each followed by the signal its real service sends."""

    def __init__(self, rng: random.Random, evidence, practitioners, observers) -> None:
        self.rng = rng
        self.evidence = evidence
        self.practitioners = practitioners
        self.observers = observers
        self.slugs = list(evidence.skills)
        self.shared = []
        self.drafts = []
        self.has_draft_assessment: set[int] = set()

    def run(self, steps: int) -> None:
        actions = [
            self.submit_self_assessment,
            self.share_observation,
            self.share_observation,
            self.add_case_audit,
            self.amend,
            self.amend,
            self.acknowledge,
            self.save_draft_observation,
            self.share_draft,
        ]
        for _ in range(steps):
            self.rng.choice(actions)()

    def _day(self) -> date:
        # Mostly within the 18-month window, some older, a few after the day calculated.
        return AS_OF - timedelta(days=self.rng.randint(-15, 800))

    def _some_slugs(self, most: int) -> list[str]:
        return self.rng.sample(self.slugs, self.rng.randint(1, most))

    def _ratings(self) -> dict[str, int | None]:
        return {
            slug: None if self.rng.random() < 0.2 else self.rng.randint(1, 4)
            for slug in self._some_slugs(5)
        }

    def _answers(self) -> list[tuple[str, str, str]]:
        keys = self.rng.sample(["da", "csc", "hub", "safety", "planning", "review"], 3)
        return [
            (key, self.rng.choice(self.slugs), self.rng.choice(["yes", "no", "na"])) for key in keys
        ]

    def _send(self, practitioner, slugs) -> None:
        evidence_changed.send(practitioner, skill_slugs=slugs, as_of=AS_OF)

    def submit_self_assessment(self) -> None:
        person = self.rng.choice(self.practitioners)
        rated = self.slugs if self.rng.random() < 0.5 else self._some_slugs(8)
        levels = {slug: self.rng.randint(1, 4) for slug in rated}
        if person.id not in self.has_draft_assessment and self.rng.random() < 0.15:
            self.evidence.self_assessment(person, levels, submitted_on=None)
            self.has_draft_assessment.add(person.id)
            return
        submitted_on = AS_OF - timedelta(days=self.rng.randint(-5, 700))
        self.evidence.self_assessment(person, levels, submitted_on=submitted_on)
        self._send(person, None if self.rng.random() < 0.5 else list(levels))

    def share_observation(self) -> None:
        person = self.rng.choice(self.practitioners)
        ratings = self._ratings()
        observation = self.evidence.observation(
            person,
            self.rng.choice(self.observers),
            self._day(),
            ratings,
            type=self.rng.choice(list(ObservationType)),
        )
        self.shared.append(observation)
        self._send(person, list(ratings))

    def add_case_audit(self) -> None:
        person = self.rng.choice(self.practitioners)
        answers = self._answers()
        observation = self.evidence.observation(
            person,
            self.rng.choice(self.observers),
            self._day(),
            self._ratings() if self.rng.random() < 0.5 else None,
            answers=answers,
            type=ObservationType.CASE_AUDIT,
        )
        self.shared.append(observation)
        slugs = [slug for _key, slug, _answer in answers]
        slugs += [self.evidence.slug_of[r.skill_id] for r in observation.ratings]
        self._send(person, slugs)

    def amend(self) -> None:
        if not self.shared:
            return
        observation = self.rng.choice(self.shared)
        current = [r for r in observation.ratings if not r.superseded]
        changed = self.rng.sample(current, self.rng.randint(0, len(current)))
        ratings = {
            self.evidence.slug_of[r.skill_id]: self.rng.choice([None, 1, 2, 3, 4]) for r in changed
        }
        if self.rng.random() < 0.4:
            ratings.update(self._ratings())
        answers = []
        for answer in observation.answers:
            if not answer.superseded and self.rng.random() < 0.5:
                answers.append(
                    (
                        answer.question_key,
                        self.rng.choice(self.slugs),
                        self.rng.choice(["yes", "no"]),
                    )
                )
        old_slugs = {self.evidence.slug_of[a.skill_id] for a in observation.answers}
        self.evidence.amend(observation, observation.observer, ratings, answers)
        slugs = set(ratings) | {slug for _key, slug, _answer in answers} | old_slugs
        self._send(observation.practitioner, sorted(slugs))

    def acknowledge(self) -> None:
        waiting = [o for o in self.shared if o.status == ObservationStatus.SHARED.value]
        if waiting:
            self.rng.choice(waiting).status = ObservationStatus.ACKNOWLEDGED.value
            db.session.flush()

    def save_draft_observation(self) -> None:
        person = self.rng.choice(self.practitioners)
        draft = self.evidence.observation(
            person,
            self.rng.choice(self.observers),
            self._day(),
            self._ratings(),
            status=ObservationStatus.DRAFT,
        )
        self.drafts.append(draft)

    def share_draft(self) -> None:
        if not self.drafts:
            return
        draft = self.drafts.pop(self.rng.randrange(len(self.drafts)))
        draft.status = ObservationStatus.SHARED.value
        draft.shared_at = draft.created_at
        db.session.flush()
        self.shared.append(draft)
        self._send(draft.practitioner, [self.evidence.slug_of[r.skill_id] for r in draft.ratings])


@pytest.fixture
def team(factories):
    return factories.team()


@pytest.fixture
def practitioners(factories, team):
    return [
        factories.user(team=team, grade=Grade.PSO),
        factories.user(team=team, grade=Grade.PQIP),
        factories.user(team=team, grade=Grade.PO, qualified_on=AS_OF - timedelta(days=300)),
        factories.user(team=team, grade=Grade.PO, qualified_on=date(2014, 9, 1)),
    ]


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5, 6])
def test_incrementally_kept_profiles_equal_rebuilt_ones(
    seed, factories, evidence, team, practitioners
):
    observers = [factories.spo(team), factories.spo(team)]
    rebuild_all(AS_OF)  # the state the nightly rebuild leaves

    RandomWrites(random.Random(seed), evidence, practitioners, observers).run(50)
    incremental = snapshot()
    rebuild_all(AS_OF)
    rebuilt = snapshot()

    assert_same_profiles(incremental, rebuilt)
    # The writes left some evidence behind: the comparison is not between empty profiles.
    assert any(row["observed_level"] is not None for row in rebuilt.values())
    assert any(row["self_level"] is not None for row in rebuilt.values())


def test_rebuild_replaces_every_practitioners_rows(db_session, factories, evidence, practitioners):
    spo = factories.spo(practitioners[0].team)
    # Rows of someone who is not a practitioner (any more) are removed; stale rows replaced.
    db_session.add(
        SkillProfileRecord(practitioner_id=spo.id, skill_slug="court-reports", as_of=AS_OF)
    )
    stale = refresh_profiles(practitioners[0], as_of=AS_OF - timedelta(days=30))[0]
    evidence.observation(practitioners[0], spo, AS_OF, {stale.skill_slug: 1})
    chunks = []

    count = rebuild_all(AS_OF, progress=chunks.append, chunk_size=3)

    assert count == len(practitioners) and chunks == [3, 1]
    rows = snapshot()
    assert set(rows) == {(p.id, slug) for p in practitioners for slug in evidence.skills}
    assert {row["as_of"] for row in rows.values()} == {AS_OF}
    # The session shows the rebuilt values, not the ones it loaded before.
    assert stale.observed_level == 1 and stale.as_of == AS_OF


def count_statements(work) -> int:
    statements = []
    engine = db.session.get_bind()

    def listener(*args, **kwargs):
        statements.append(args[2])

    event.listen(engine, "before_cursor_execute", listener)
    try:
        work()
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    return len(statements)


def test_rebuild_reads_evidence_in_sets_not_per_person(factories, evidence, team):
    spo = factories.spo(team)

    def add_people(n: int) -> None:
        for _ in range(n):
            person = factories.user(team=team)
            evidence.self_assessment(person, {"court-reports": 2})
            evidence.observation(person, spo, AS_OF, {"court-reports": 3, "rosh-analysis": 2})

    add_people(2)
    few = count_statements(lambda: rebuild_all(AS_OF))
    add_people(10)
    many = count_statements(lambda: rebuild_all(AS_OF))
    assert many == few


def test_rebuild_does_nothing_before_a_framework_is_published(db_session, factories):
    factories.user()
    assert rebuild_all(AS_OF) == 0
    assert snapshot() == {}


# The command --------------------------------------------------------------------------


def test_rebuild_command(app, evidence, practitioners):
    result = app.test_cli_runner().invoke(rebuild_command, args=["--as-of", "2026-11-23"])

    assert result.exit_code == 0, result.output
    assert "Rebuilt the profiles of 4 practitioners as of 2026-11-23" in result.stdout
    rows = snapshot()
    assert len(rows) == 4 * len(evidence.skills)
    assert {row["as_of"] for row in rows.values()} == {date(2026, 11, 23)}


def test_rebuild_command_defaults_to_today(app, evidence, practitioners):
    result = app.test_cli_runner().invoke(rebuild_command)
    assert result.exit_code == 0, result.output
    assert "Rebuilt the profiles of 4 practitioners" in result.stdout


@pytest.mark.parametrize("value", ["23/11/2026", "2026-02-30", "tomorrow"])
def test_rebuild_command_refuses_a_bad_date(app, db_session, value):
    result = app.test_cli_runner().invoke(rebuild_command, args=["--as-of", value])
    assert result.exit_code == 2
    assert "--as-of" in result.output and "YYYY-MM-DD" not in result.stdout


def test_rebuild_command_before_a_framework_is_published(app, db_session, factories):
    factories.user()
    result = app.test_cli_runner().invoke(rebuild_command)
    assert result.exit_code == 0
    assert "No framework is published yet" in result.stdout
