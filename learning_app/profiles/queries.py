"""Read side of the skill profiles, for the practitioner's and the SPO's pages.

These signatures are relied on by the pages; change them only together:

- ``practitioner_profile(practitioner, as_of) -> ProfileView``: every skill of the
  published framework by domain, with its stored profile, and the largest gaps
  summarised in plain words (``ProfileView.top_gaps``);
- ``team_overview(team_ids, as_of) -> list[TeamMemberRow]``: the current
  practitioners of some teams with their counts, by name; ``sort_members`` re-orders
  them by a column;
- ``skill_history(practitioner, slug) -> list[HistoryEntry]``: every rating of one
  skill over time, newest first.

Nothing here checks access: the views do that with ``core.policy`` before calling.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import aliased

from learning_app.accounts.constants import Band, Role
from learning_app.accounts.models import RoleAssignment, User
from learning_app.assessments.models import SelfAssessment, SelfRating
from learning_app.core.time import london_date
from learning_app.extensions import db
from learning_app.framework.models import Domain, FrameworkVersion, Skill, VersionStatus
from learning_app.framework.queries import published_version_with_contents
from learning_app.observations.models import (
    AuditAnswer,
    Observation,
    ObservationAmendment,
    ObservationRating,
    ObservationStatus,
    ObservationType,
)
from learning_app.org.models import Team, TeamMembership
from learning_app.profiles.calculation import audit_answer_level
from learning_app.profiles.evidence import EVIDENCE_STATUSES
from learning_app.profiles.models import SkillProfileRecord

# One practitioner's profile -------------------------------------------------------------


@dataclass(frozen=True)
class ProfileRow:
    """One skill and its stored profile (None: not calculated yet, so no evidence)."""

    skill: Skill
    record: SkillProfileRecord | None


@dataclass(frozen=True)
class DomainProfile:
    domain: Domain
    rows: list[ProfileRow]


@dataclass(frozen=True)
class GapSummary:
    """A skill below its target, with a sentence saying so in plain words."""

    skill: Skill
    record: SkillProfileRecord
    text: str


@dataclass
class ProfileView:
    """A practitioner's profile against the published framework.

    ``version`` is None (and ``domains`` empty) before any framework is published.
    """

    practitioner: User
    as_of: date
    band: Band | None
    version: FrameworkVersion | None
    domains: list[DomainProfile] = field(default_factory=list)

    @property
    def rows(self) -> list[ProfileRow]:
        """Every row, in framework order."""
        return [row for domain in self.domains for row in domain.rows]

    @property
    def has_evidence(self) -> bool:
        """Whether any skill has a level, observed or self-assessed."""
        return any(row.record is not None and row.record.level is not None for row in self.rows)

    def top_gaps(self, n: int = 3) -> list[GapSummary]:
        """The ``n`` skills with the largest priority-weighted gaps, largest first.

        Ties go to risk-critical skills first, then framework order. Skills at or
        above their target are never listed.
        """
        ranked = [
            (position, row)
            for position, row in enumerate(self.rows)
            if row.record is not None and row.record.priority > 0
        ]
        ranked.sort(
            key=lambda item: (-item[1].record.priority, not item[1].skill.risk_critical, item[0])
        )
        return [GapSummary(row.skill, row.record, gap_sentence(row)) for _p, row in ranked[:n]]


def format_level(record: SkillProfileRecord) -> str:
    """The level used, as shown: one decimal when observed, a whole number when self-assessed."""
    if record.level is None:
        return ""
    if record.self_reported:
        return str(int(record.level))
    return f"{record.level:.1f}"


def gap_sentence(row: ProfileRow) -> str:
    """E.g. "Safeguarding enquiries: your level is 1.8 from observations, the target for
    your band is 3." (or "your level is 2 (self-assessed)")."""
    record = row.record
    assert record is not None and record.level is not None
    source = "(self-assessed)" if record.self_reported else "from observations"
    return (
        f"{row.skill.name}: your level is {format_level(record)} {source}, "
        f"the target for your band is {record.target}."
    )


def practitioner_profile(practitioner: User, as_of: date) -> ProfileView:
    """The practitioner's stored profile for every skill of the published framework.

    ``as_of`` is the day the page is about (today): it fixes the experience band shown.
    Three queries for the framework and one for the profiles.
    """
    band = practitioner.band(as_of)
    version = published_version_with_contents()
    if version is None:
        return ProfileView(practitioner, as_of, band, None)
    records = {
        record.skill_slug: record
        for record in db.session.scalars(
            select(SkillProfileRecord).where(SkillProfileRecord.practitioner_id == practitioner.id)
        )
    }
    domains = [
        DomainProfile(
            domain, [ProfileRow(skill, records.get(skill.slug)) for skill in domain.skills]
        )
        for domain in version.domains
    ]
    return ProfileView(practitioner, as_of, band, version, domains)


# A team ---------------------------------------------------------------------------------

SORT_KEYS = ("name", "gaps", "blind_spots", "evidence_gaps", "unacknowledged", "last_observed")
DEFAULT_SORT_KEY = "name"


@dataclass(frozen=True)
class TeamMemberRow:
    """One current practitioner of a team, with what their SPO needs to act on."""

    id: int
    name: str
    team_id: int
    team_name: str
    gaps: int  # skills below target
    blind_spots: int  # skills rated at least a level higher by self than by observers
    evidence_gaps: int  # skills with fewer than 2 ratings in 12 months (or none at all)
    unacknowledged: int  # observations shared with them and not yet acknowledged
    last_observed: date | None  # the latest day observed (shared observations only)


def sort_key(key: str | None) -> str:
    """A valid column to sort by: ``key`` if it is one of SORT_KEYS, else "name"."""
    return key if key in SORT_KEYS else DEFAULT_SORT_KEY


def sort_members(
    rows: Iterable[TeamMemberRow], key: str | None, descending: bool = False
) -> list[TeamMemberRow]:
    """The rows ordered by a column (an unknown column means name), then by name.

    Ascending "last_observed" puts people never observed first.
    """
    key = sort_key(key)
    by_name = sorted(rows, key=lambda row: (row.name.casefold(), row.id))
    if key == "name":
        return list(reversed(by_name)) if descending else by_name
    if key == "last_observed":
        return sorted(by_name, key=lambda row: row.last_observed or date.min, reverse=descending)
    return sorted(by_name, key=lambda row: getattr(row, key), reverse=descending)


def _published_slugs():
    return (
        select(Skill.slug)
        .join(FrameworkVersion, Skill.version_id == FrameworkVersion.id)
        .where(FrameworkVersion.status == VersionStatus.PUBLISHED.value)
    )


def _current_practitioners(team_ids: Sequence[int], as_of: date):
    practitioners = select(RoleAssignment.user_id).where(
        RoleAssignment.role == Role.PRACTITIONER.value
    )
    return (
        select(User.id, User.name, Team.id, Team.name)
        .join(TeamMembership, TeamMembership.user_id == User.id)
        .join(Team, TeamMembership.team_id == Team.id)
        .where(
            TeamMembership.team_id.in_(team_ids),
            TeamMembership.started_on <= as_of,
            or_(TeamMembership.ended_on.is_(None), TeamMembership.ended_on > as_of),
            User.active.is_(True),
            User.id.in_(practitioners),
        )
        .order_by(User.name, User.id)
    )


def _count_where(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def team_overview(team_ids: Iterable[int], as_of: date) -> list[TeamMemberRow]:
    """The active practitioners who are members of any of ``team_ids`` on ``as_of``, by name.

    Counts are over the skills of the published framework; a skill with no stored
    profile counts as an evidence gap. Four queries, whatever the team size.
    """
    team_ids = list(team_ids)
    if not team_ids:
        return []
    members: dict[int, tuple[str, int, str]] = {}
    for user_id, name, team_id, team_name in db.session.execute(
        _current_practitioners(team_ids, as_of)
    ):
        members.setdefault(user_id, (name, team_id, team_name))
    if not members:
        return []
    ids = list(members)
    skill_count = db.session.scalar(select(func.count()).select_from(_published_slugs().subquery()))

    profile_counts = {
        row[0]: row[1:]
        for row in db.session.execute(
            select(
                SkillProfileRecord.practitioner_id,
                func.count(),
                _count_where(SkillProfileRecord.gap > 0),
                _count_where(SkillProfileRecord.blind_spot.is_(True)),
                _count_where(SkillProfileRecord.evidence_gap.is_(True)),
            )
            .where(
                SkillProfileRecord.practitioner_id.in_(ids),
                SkillProfileRecord.skill_slug.in_(_published_slugs()),
            )
            .group_by(SkillProfileRecord.practitioner_id)
        )
    }
    observation_counts = {
        row[0]: row[1:]
        for row in db.session.execute(
            select(
                Observation.practitioner_id,
                _count_where(Observation.status == ObservationStatus.SHARED.value),
                func.max(Observation.observed_on),
            )
            .where(
                Observation.practitioner_id.in_(ids),
                Observation.status.in_(EVIDENCE_STATUSES),
            )
            .group_by(Observation.practitioner_id)
        )
    }

    rows = []
    for user_id, (name, team_id, team_name) in members.items():
        stored, gaps, blind_spots, evidence_gaps = profile_counts.get(user_id, (0, 0, 0, 0))
        unacknowledged, last_observed = observation_counts.get(user_id, (0, None))
        rows.append(
            TeamMemberRow(
                id=user_id,
                name=name,
                team_id=team_id,
                team_name=team_name,
                gaps=int(gaps),
                blind_spots=int(blind_spots),
                evidence_gaps=int(evidence_gaps) + max(0, skill_count - stored),
                unacknowledged=int(unacknowledged),
                last_observed=last_observed,
            )
        )
    # In Python: databases disagree about the order of upper and lower case.
    return sort_members(rows, DEFAULT_SORT_KEY)


# One skill's history -----------------------------------------------------------------


class HistoryKind(enum.StrEnum):
    SELF_ASSESSMENT = "self_assessment"
    OBSERVATION = "observation"  # a rating given in an observation
    AUDIT_ANSWER = "audit_answer"  # a case-audit "yes" (level 3) or "no" (level 1)


@dataclass(frozen=True)
class HistoryEntry:
    """One rating of a skill: when, what level, where it came from and who gave it."""

    on: date  # submitted (self-assessment) or observed (observation, audit)
    level: int
    kind: HistoryKind
    source: str  # "Self-assessment", an observation type, "... (amendment)"
    observer_name: str | None  # who rated it; for an amendment, its author
    observation_id: int | None = None
    amended_on: date | None = None  # set when the rating came from an amendment
    superseded: bool = False  # replaced by an amendment since
    answer: str | None = None  # "yes" or "no", for audit answers
    question_key: str | None = None

    @property
    def amended(self) -> bool:
        return self.amended_on is not None


def _source(observation_type: str, amended: bool) -> str:
    label = ObservationType(observation_type).label
    return f"{label} (amendment)" if amended else label


def skill_history(practitioner: User, slug: str) -> list[HistoryEntry]:
    """Every rating of the skill ``slug`` (in any framework version), newest first.

    Submitted self-assessments; ratings (not "not seen") and yes/no audit answers of
    shared or acknowledged observations, including those an amendment has since
    replaced (``superseded``). Three queries.
    """
    entries: list[tuple[tuple, HistoryEntry]] = []

    for submitted_at, assessment_id, level in db.session.execute(
        select(SelfAssessment.submitted_at, SelfAssessment.id, SelfRating.level)
        .join(SelfRating, SelfRating.self_assessment_id == SelfAssessment.id)
        .join(Skill, SelfRating.skill_id == Skill.id)
        .where(
            SelfAssessment.practitioner_id == practitioner.id,
            SelfAssessment.status == "submitted",
            Skill.slug == slug,
        )
    ):
        on = london_date(submitted_at)
        entry = HistoryEntry(on, level, HistoryKind.SELF_ASSESSMENT, "Self-assessment", None)
        entries.append(((on, 0, assessment_id), entry))

    observer = aliased(User)
    author = aliased(User)

    def evidence_rows(model, *columns, extra=()):
        return db.session.execute(
            select(
                Observation.id,
                Observation.observed_on,
                Observation.type,
                observer.name,
                author.name,
                ObservationAmendment.created_at,
                model.id,
                model.superseded,
                *columns,
            )
            .select_from(model)
            .join(Observation, model.observation_id == Observation.id)
            .join(observer, Observation.observer_id == observer.id)
            .join(Skill, model.skill_id == Skill.id)
            .outerjoin(ObservationAmendment, model.amendment_id == ObservationAmendment.id)
            .outerjoin(author, ObservationAmendment.author_id == author.id)
            .where(
                Observation.practitioner_id == practitioner.id,
                Observation.status.in_(EVIDENCE_STATUSES),
                Skill.slug == slug,
                *extra,
            )
        )

    for row in evidence_rows(
        ObservationRating, ObservationRating.level, extra=(ObservationRating.level.is_not(None),)
    ):
        obs_id, observed_on, type_, observer_name, author_name, amended_at, row_id, old, level = row
        amended_on = london_date(amended_at) if amended_at is not None else None
        entry = HistoryEntry(
            on=observed_on,
            level=level,
            kind=HistoryKind.OBSERVATION,
            source=_source(type_, amended_on is not None),
            observer_name=author_name if amended_on else observer_name,
            observation_id=obs_id,
            amended_on=amended_on,
            superseded=old,
        )
        entries.append(((observed_on, 1, amended_at is not None, row_id), entry))

    for row in evidence_rows(AuditAnswer, AuditAnswer.answer, AuditAnswer.question_key):
        obs_id, observed_on, type_, observer_name, author_name, amended_at, row_id, old = row[:8]
        answer, question_key = row[8:]
        level = audit_answer_level(answer)
        if level is None:
            continue
        amended_on = london_date(amended_at) if amended_at is not None else None
        entry = HistoryEntry(
            on=observed_on,
            level=level,
            kind=HistoryKind.AUDIT_ANSWER,
            source=_source(type_, amended_on is not None),
            observer_name=author_name if amended_on else observer_name,
            observation_id=obs_id,
            amended_on=amended_on,
            superseded=old,
            answer=answer,
            question_key=question_key,
        )
        entries.append(((observed_on, 2, amended_at is not None, row_id), entry))

    entries.sort(key=lambda item: item[0], reverse=True)
    return [entry for _key, entry in entries]
