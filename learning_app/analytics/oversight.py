"""The figures of the leaders' oversight page (DESIGN.md section 9), for a set of teams.

Every function reads; none writes. The people counted are the active practitioners whose
current team is one of ``team_ids`` (as on the training reports). Observations count once
shared (shared or acknowledged); ratings and answers count unless an amendment superseded
them. "Not applicable" answers and "not seen" ratings are left out of every rate and mean.

- **Case-audit rates**: case record audits and court report checks of those practitioners,
  by quarter of ``observed_on`` (the last eight, this one included): how many, and the
  share of "yes" among yes and no answers to each question the inspectorate has published
  a baseline for (``BASELINES``, from DOMAIN.md (f)).
- **Cycle completion**: each learning-analysis cycle whose unit holds one of the teams;
  the practitioners of those teams inside the cycle's unit, and how many submitted.
- **Focus-campaign coverage**: each campaign whose unit holds one of the teams; the
  practitioners of those teams inside the campaign's unit, and how many of them had a
  shared observation during the campaign that was recorded for it or rated its skill.
- **Observer moderation**: each observer's mean rating level over the last 12 months,
  against the unit's mean for the same skills: every observer's ratings of a skill
  averaged, then weighted by how many times this observer rated that skill.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import or_, select

from learning_app.accounts.models import User
from learning_app.analytics.rollups import quarter_of
from learning_app.assessments.models import LearningCycle
from learning_app.assessments.queries import cycle_completion
from learning_app.extensions import db
from learning_app.framework.models import Skill
from learning_app.observations.models import (
    AuditAnswer,
    FocusCampaign,
    Observation,
    ObservationRating,
    ObservationStatus,
    ObservationType,
)
from learning_app.observations.questions import questions_for
from learning_app.org.models import Pdu, Team
from learning_app.training.report_scope import practitioners_in

QUARTERS = 8
MODERATION_MONTHS = 12
SHARED = (ObservationStatus.SHARED.value, ObservationStatus.ACKNOWLEDGED.value)
AUDIT_TYPES = (ObservationType.CASE_AUDIT, ObservationType.COURT_REPORT_QA)


@dataclass(frozen=True)
class Baseline:
    """A published rate of "yes" to one question, with where it comes from."""

    percent: int
    source: str


# The inspectorate's published rates (DOMAIN.md (f)), as the share answering "yes" to the
# question. Only questions that ask the same thing as the published measure are mapped:
# the safeguarding hub, and the court proposal and interventions questions, have none.
BASELINES: dict[str, tuple[Baseline, ...]] = {
    "da_enquiries": (
        Baseline(85, "2025 safeguarding audit: DA information not requested in 15% (S1, S0)"),
    ),
    "child_safeguarding_enquiries": (
        Baseline(76, "2025 safeguarding audit: child safeguarding not requested in 24% (S1, S0)"),
    ),
    "assessment_keeping_safe": (Baseline(31, "PDU inspection: assessment, safety (S3)"),),
    "assessment_engaging": (Baseline(57, "PDU inspection: assessment, engagement (S3)"),),
    "assessment_desistance": (Baseline(49, "PDU inspection: assessment, desistance (S3)"),),
    "planning_keeping_safe": (Baseline(40, "PDU inspection: planning, safety (S3)"),),
    "reviewing_risk": (Baseline(44, "PDU inspection: reviewing, safety (S3)"),),
    "contingency_sufficient": (
        Baseline(37, "PDU inspection: contingency plans sufficient 34/93 (S3)"),
    ),
    "oversight_sufficient": (
        Baseline(26, "PDU inspection: oversight insufficient, ineffective or absent 74% (S3)"),
    ),
    "court_da_enquiries": (
        Baseline(16, "PDU inspection: DA enquiries missing in 16/19 court reports (S3)"),
        Baseline(31, "Region: DA enquiries at court 9/29 (S4)"),
    ),
    "court_child_safeguarding_enquiries": (
        Baseline(27, "PDU inspection: safeguarding enquiries made 4/15 (S3)"),
        Baseline(50, "Region: safeguarding enquiries 11/22 (S4)"),
    ),
    "court_report_sufficient": (
        Baseline(5, "PDU inspection: court reports sufficient 1 of 19 (S3)"),
    ),
}


def percent(part: int, whole: int) -> int | None:
    """A whole-number percentage, or None when there is nothing to divide by."""
    return round(100 * part / whole) if whole else None


def quarters_to(today: date, count: int = QUARTERS) -> list[str]:
    """The ``count`` quarters ending with the one holding ``today``, oldest first."""
    index = today.year * 4 + (today.month - 1) // 3
    return [f"{i // 4}-Q{i % 4 + 1}" for i in range(index - count + 1, index + 1)]


def months_before(today: date, months: int) -> date:
    """The same day ``months`` earlier (the month's last day when it is shorter)."""
    index = today.year * 12 + today.month - 1 - months
    year, month = divmod(index, 12)
    day = today.day
    while True:
        try:
            return date(year, month + 1, day)
        except ValueError:
            day -= 1


def _practitioner_ids(team_ids: Collection[int], today: date) -> dict[int, int]:
    """Practitioner id to team id, for the active practitioners of ``team_ids``."""
    return {p.id: p.team_id for p in practitioners_in(team_ids, today)}


# 1. Case-audit rates ----------------------------------------------------------------------


@dataclass(frozen=True)
class Rate:
    yes: int
    answered: int

    @property
    def percent(self) -> int | None:
        return percent(self.yes, self.answered)


@dataclass
class QuestionRates:
    key: str
    text: str
    baselines: tuple[Baseline, ...]
    by_quarter: dict[str, Rate] = field(default_factory=dict)


@dataclass
class AuditRates:
    """One observation type's audits by quarter, and its baselined questions."""

    type: ObservationType
    quarters: list[str]
    audits: dict[str, int]
    questions: list[QuestionRates]

    @property
    def label(self) -> str:
        return self.type.label


def audit_rates(team_ids: Collection[int], today: date) -> list[AuditRates]:
    """Case record audits and court report checks by quarter, against the baselines."""
    quarters = quarters_to(today)
    people = _practitioner_ids(team_ids, today)
    first_day = _quarter_start(quarters[0])
    observations: list[tuple[int, str, date]] = []
    answers: list[tuple[int, str, str]] = []
    if people:
        in_window = (
            Observation.practitioner_id.in_(list(people)),
            Observation.type.in_([t.value for t in AUDIT_TYPES]),
            Observation.status.in_(SHARED),
            Observation.observed_on >= first_day,
            Observation.observed_on <= today,
        )
        observations = [
            tuple(row)
            for row in db.session.execute(
                select(Observation.id, Observation.type, Observation.observed_on).where(*in_window)
            )
        ]
        answers = [
            tuple(row)
            for row in db.session.execute(
                select(AuditAnswer.observation_id, AuditAnswer.question_key, AuditAnswer.answer)
                .join(Observation, Observation.id == AuditAnswer.observation_id)
                .where(*in_window, AuditAnswer.superseded.is_(False))
            )
        ]
    quarter_by_id = {oid: (kind, quarter_of(day)) for oid, kind, day in observations}
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for kind, quarter in quarter_by_id.values():
        counts[(kind, quarter)] += 1
    tallies: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for oid, key, answer in answers:
        if answer not in ("yes", "no"):
            continue
        tally = tallies[(key, quarter_by_id[oid][1])]
        tally[0] += answer == "yes"
        tally[1] += 1
    result = []
    for kind in AUDIT_TYPES:
        questions = [
            QuestionRates(
                q.key,
                q.text,
                BASELINES[q.key],
                {qr: Rate(*tallies.get((q.key, qr), (0, 0))) for qr in quarters},
            )
            for q in questions_for(kind)
            if q.key in BASELINES
        ]
        result.append(
            AuditRates(
                kind, quarters, {qr: counts.get((kind.value, qr), 0) for qr in quarters}, questions
            )
        )
    return result


def _quarter_start(period: str) -> date:
    year, quarter = int(period[:4]), int(period[-1])
    return date(year, 3 * quarter - 2, 1)


# 2. Cycle completion ----------------------------------------------------------------------


@dataclass(frozen=True)
class CycleRow:
    cycle_id: int
    name: str
    unit: str
    opens_on: date
    closes_on: date
    practitioners: int
    submitted: int

    @property
    def percent(self) -> int | None:
        return percent(self.submitted, self.practitioners)


def _unit_columns(team_ids: Collection[int]) -> tuple[list[int], list[int], list[int]]:
    """The teams, their PDUs and their regions: a unit holding one of the teams."""
    rows = db.session.execute(
        select(Team.id, Team.pdu_id, Pdu.region_id)
        .join(Pdu, Pdu.id == Team.pdu_id)
        .where(Team.id.in_(list(team_ids)))
    ).all()
    return (
        sorted({r[0] for r in rows}),
        sorted({r[1] for r in rows}),
        sorted({r[2] for r in rows}),
    )


def _holds_teams(model, team_ids: Collection[int]):
    teams, pdus, regions = _unit_columns(team_ids)
    return or_(model.team_id.in_(teams), model.pdu_id.in_(pdus), model.region_id.in_(regions))


def cycles_covering(team_ids: Collection[int]) -> list[LearningCycle]:
    """The cycles whose unit holds one of the teams, latest opening first."""
    if not team_ids:
        return []
    return list(
        db.session.scalars(
            select(LearningCycle)
            .where(_holds_teams(LearningCycle, team_ids))
            .order_by(LearningCycle.opens_on.desc(), LearningCycle.id.desc())
        )
    )


def cycle_rows(team_ids: Collection[int]) -> list[CycleRow]:
    """Each cycle whose unit holds one of the teams, latest opening first."""
    rows = []
    for cycle in cycles_covering(team_ids):
        teams = [r for r in cycle_completion(cycle).teams if r.team and r.team.id in team_ids]
        rows.append(
            CycleRow(
                cycle.id,
                cycle.name,
                cycle.unit.label,
                cycle.opens_on,
                cycle.closes_on,
                practitioners=sum(r.total for r in teams),
                submitted=sum(r.submitted for r in teams),
            )
        )
    return rows


# 3. Focus-campaign coverage ---------------------------------------------------------------


@dataclass(frozen=True)
class CampaignRow:
    campaign_id: int
    skill_name: str
    unit: str
    starts_on: date
    ends_on: date
    practitioners: int
    observed: int

    @property
    def percent(self) -> int | None:
        return percent(self.observed, self.practitioners)


def _campaign_team_ids(campaign: FocusCampaign) -> set[int]:
    if campaign.team_id is not None:
        return {campaign.team_id}
    statement = select(Team.id)
    if campaign.pdu_id is not None:
        statement = statement.where(Team.pdu_id == campaign.pdu_id)
    else:
        statement = statement.join(Pdu, Pdu.id == Team.pdu_id).where(
            Pdu.region_id == campaign.region_id
        )
    return set(db.session.scalars(statement))


def campaign_rows(team_ids: Collection[int], today: date) -> list[CampaignRow]:
    """Each focus campaign whose unit holds one of the teams, latest ending first."""
    if not team_ids:
        return []
    campaigns = list(
        db.session.scalars(
            select(FocusCampaign)
            .where(_holds_teams(FocusCampaign, team_ids))
            .order_by(FocusCampaign.ends_on.desc(), FocusCampaign.starts_on.desc())
        )
    )
    people = _practitioner_ids(team_ids, today)
    names = dict(db.session.execute(select(Skill.slug, Skill.name)).all())
    rows = []
    for campaign in campaigns:
        covered = _campaign_team_ids(campaign)
        members = {pid for pid, team_id in people.items() if team_id in covered}
        observed: set[int] = set()
        if members:
            rated_skill = (
                select(ObservationRating.id)
                .join(Skill, Skill.id == ObservationRating.skill_id)
                .where(
                    ObservationRating.observation_id == Observation.id,
                    ObservationRating.superseded.is_(False),
                    ObservationRating.level.is_not(None),
                    Skill.slug == campaign.skill_slug,
                )
                .exists()
            )
            observed = set(
                db.session.scalars(
                    select(Observation.practitioner_id)
                    .where(
                        Observation.practitioner_id.in_(list(members)),
                        Observation.status.in_(SHARED),
                        Observation.observed_on >= campaign.starts_on,
                        Observation.observed_on <= campaign.ends_on,
                        or_(Observation.focus_campaign_id == campaign.id, rated_skill),
                    )
                    .distinct()
                )
            )
        rows.append(
            CampaignRow(
                campaign.id,
                names.get(campaign.skill_slug, campaign.skill_slug),
                campaign.unit.label,
                campaign.starts_on,
                campaign.ends_on,
                practitioners=len(members),
                observed=len(observed),
            )
        )
    return rows


# 4. Observer moderation -------------------------------------------------------------------


@dataclass(frozen=True)
class ObserverRow:
    observer_id: int
    name: str
    role: str
    ratings: int
    mean: float
    unit_mean: float

    @property
    def difference(self) -> float:
        return self.mean - self.unit_mean


def moderation_rows(team_ids: Collection[int], today: date) -> list[ObserverRow]:
    """Each observer of the teams' practitioners in the last 12 months, by name."""
    people = _practitioner_ids(team_ids, today)
    if not people:
        return []
    rows = db.session.execute(
        select(Observation.observer_id, Observation.observer_role, ObservationRating.skill_id)
        .add_columns(ObservationRating.level)
        .join(ObservationRating, ObservationRating.observation_id == Observation.id)
        .where(
            Observation.practitioner_id.in_(list(people)),
            Observation.status.in_(SHARED),
            Observation.observed_on >= months_before(today, MODERATION_MONTHS),
            Observation.observed_on <= today,
            ObservationRating.superseded.is_(False),
            ObservationRating.level.is_not(None),
        )
    ).all()
    skill_sums: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    observer_skills: dict[int, dict[int, list[int]]] = defaultdict(
        lambda: defaultdict(lambda: [0, 0])
    )
    roles: dict[int, str] = {}
    for observer_id, role, skill_id, level in rows:
        skill_sums[skill_id][0] += level
        skill_sums[skill_id][1] += 1
        observer_skills[observer_id][skill_id][0] += level
        observer_skills[observer_id][skill_id][1] += 1
        roles.setdefault(observer_id, role)
    names = dict(
        db.session.execute(
            select(User.id, User.name).where(User.id.in_(list(observer_skills)))
        ).all()
    )
    result = []
    for observer_id, by_skill in observer_skills.items():
        n = sum(count for _total, count in by_skill.values())
        own = sum(total for total, _count in by_skill.values()) / n
        unit = sum(
            count * skill_sums[s][0] / skill_sums[s][1] for s, (_t, count) in by_skill.items()
        )
        result.append(
            ObserverRow(
                observer_id,
                names.get(observer_id, ""),
                roles[observer_id].upper(),
                n,
                own,
                unit / n,
            )
        )
    return sorted(result, key=lambda r: (r.name, r.observer_id))
