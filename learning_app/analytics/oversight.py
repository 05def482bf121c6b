"""The figures of the leaders' oversight page (DESIGN.md section 9), for a set of teams.

Every function reads; none writes. The people counted are the active practitioners whose
current team is one of ``team_ids`` (as on the training reports). Observations count once
shared (shared or acknowledged); ratings and answers count unless an amendment superseded
them. "Not applicable" answers and "not seen" ratings are left out of every rate and mean.

- **Case-audit rates**: case record audits and court report checks of those practitioners,
  by quarter of ``observed_on`` (the last eight, this one included): how many, and the
  share of "yes" among yes and no answers to each question the inspectorate has published
  a baseline for (``BASELINES``, from DOMAIN.md (f)). The figures per team and quarter
  are kept current by ``analytics.audits``.
- **Cycle completion**: each learning-analysis cycle whose unit holds one of the teams;
  the practitioners of those teams inside the cycle's unit, and how many submitted.
- **Focus-campaign coverage**: each campaign whose unit holds one of the teams; the
  practitioners of those teams inside the campaign's unit, and how many of them had a
  shared observation during the campaign that was recorded for it or rated its skill.
- **Observer moderation**: each observer's mean rating level this month and the 11
  before it, against the unit's mean for the same skills: every observer's ratings of a
  skill averaged, then weighted by how many times this observer rated that skill. The
  sums are kept current by ``analytics.moderation``.

Small groups (DESIGN.md section 9): a cycle or campaign row about fewer than 5
practitioners shows "fewer than 5" and no numbers, and so does a quarter's rate for a
question answered in the audits of fewer than 5 practitioners. Each of those figures is
a sum over teams that other views (a team, a PDU, a region) show too, so a wider view
less a narrower one would give the rest: the figures of every team, PDU and region are
therefore suppressed together (``SmallGroups``), and a view shows what that decides for
its own unit. The number of audits in a quarter is a count of cases, not people, and says
nothing about how anyone did, so it is always shown. A hidden figure is None in the rows
these functions return, never just marked.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, or_, select

from learning_app.accounts.constants import Role
from learning_app.accounts.models import User, holds_role
from learning_app.analytics import audits
from learning_app.analytics.audits import quarters_to
from learning_app.analytics.moderation import MONTHS, observer_means
from learning_app.analytics.suppression import THRESHOLD, Figure, hide_complements, hide_small
from learning_app.assessments.models import LearningCycle
from learning_app.assessments.queries import cycle_completion
from learning_app.core.sql import among
from learning_app.extensions import db
from learning_app.framework.models import Skill
from learning_app.observations.models import (
    FocusCampaign,
    Observation,
    ObservationRating,
    ObservationType,
)
from learning_app.observations.questions import questions_for
from learning_app.org.models import Pdu, Region, Team
from learning_app.org.units import Unit
from learning_app.profiles.evidence import EVIDENCE_STATUSES as SHARED

QUARTERS = audits.QUARTERS
MANY_TEAMS = 100
MODERATION_MONTHS = MONTHS
AUDIT_TYPES = audits.AUDIT_TYPES


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


def _practitioners_by_team(team_ids: Collection[int]) -> dict[int, int]:
    """Team id to how many active practitioners it has (as ``practitioners_in`` finds
    them), for the teams of ``team_ids`` with any: counted in the database."""
    if not team_ids:
        return {}
    counted = _practitioners(team_ids).with_only_columns(User.team_id, func.count())
    return dict(db.session.execute(counted.group_by(User.team_id)).tuples().all())


def _practitioners(team_ids: Collection[int]):
    """(id, team id) of the active practitioners of ``team_ids``, as in ``practitioners_in``."""
    is_practitioner = holds_role(Role.PRACTITIONER)
    return select(User.id, User.team_id).where(
        User.active.is_(True), among(User.team_id, team_ids), is_practitioner
    )


# Small groups -----------------------------------------------------------------------------

LEVELS = ("team", "pdu", "region")


def _places(statement) -> dict[int, tuple[int, int]]:
    rows = db.session.execute(
        statement.add_columns(Team.id, Team.pdu_id, Pdu.region_id).join(Pdu, Pdu.id == Team.pdu_id)
    ).all()
    return {team: (pdu, region) for team, pdu, region in rows}


@dataclass
class Decision:
    """What ``SmallGroups`` hides of one count: each team's, PDU's and region's figure."""

    teams: dict[int, Figure]
    pdus: dict[int, Figure]
    regions: dict[int, Figure]


class SmallGroups:
    """The teams of some units with their PDUs and regions, for hiding a count of people
    that several views show, each for its own unit, consistently across those views.

    Every team, PDU (when the units are PDUs or regions) and region (when they are
    regions) has a figure; each is one line with its children (its total is their sum).
    Figures of fewer than 5 are hidden, then ``hide_complements`` hides more until no
    line has exactly one hidden figure. A view covering several of those units (every
    unit a reader looks after) is also hidden where exactly one of its parts is.
    """

    threshold = THRESHOLD

    def __init__(
        self, places: Mapping[int, tuple[int, int]], level: str, threshold: int | None = None
    ) -> None:
        self.places = dict(places)  # team id -> (PDU id, region id)
        self.level = level  # the units at the top: "team", "pdu" or "region"
        if threshold is not None:
            self.threshold = threshold
        self.by_pdu: dict[int, list[int]] = defaultdict(list)
        self.by_region: dict[int, list[int]] = defaultdict(list)
        for team, (pdu, region) in sorted(self.places.items()):
            self.by_pdu[pdu].append(team)
            self.by_region[region].append(team)

    @classmethod
    def of_unit(cls, unit: Unit) -> SmallGroups:
        """Every team of ``unit`` (a cycle's or a campaign's)."""
        statement = select()
        if isinstance(unit, Team):
            statement = select().where(Team.id == unit.id)
        elif isinstance(unit, Pdu):
            statement = statement.where(Team.pdu_id == unit.id)
        else:
            statement = statement.where(Pdu.region_id == unit.id)
        level = {Team: "team", Pdu: "pdu", Region: "region"}[type(unit)]
        return cls(_places(statement), level)

    @classmethod
    def of_regions(cls, team_ids: Collection[int], threshold: int | None = None) -> SmallGroups:
        """Every team of the regions holding ``team_ids``."""
        regions = select(Pdu.region_id).join(Team, Team.pdu_id == Pdu.id)
        regions = regions.where(among(Team.id, team_ids))
        return cls(_places(select().where(Pdu.region_id.in_(regions))), "region", threshold)

    def figure(self, people: Mapping[int, int], view: Collection[int]) -> Figure:
        """The figure of the teams of ``view``, given the people counted in each team."""
        return self.view_figure(self.decide(people), view)

    def decide(self, people: Mapping[int, int]) -> Decision:
        """Every team's, PDU's and region's figure, hidden or not, for one count."""
        teams = {t: Figure(int(people.get(t, 0)), None) for t in self.places}
        pdus: dict[int, Figure] = {}
        regions: dict[int, Figure] = {}
        lines: list[list[Figure]] = []
        if self.level != "team":
            for pdu, members in self.by_pdu.items():
                pdus[pdu] = Figure(sum(teams[t].n for t in members), None)
                lines.append([*(teams[t] for t in members), pdus[pdu]])
        if self.level == "region":
            for region, members in self.by_region.items():
                inside = sorted({self.places[t][0] for t in members})
                regions[region] = Figure(sum(teams[t].n for t in members), None)
                lines.append([*(pdus[p] for p in inside), regions[region]])
        hide_small([*teams.values(), *pdus.values(), *regions.values()], self.threshold)
        hide_complements(lines)
        return Decision(teams, pdus, regions)

    def view_figure(self, decision: Decision, view: Collection[int]) -> Figure:
        """The figure of the teams of ``view``: a unit's own, or the sum of the units in it,
        hidden where any one of them alone is."""
        teams, pdus, regions = decision.teams, decision.pdus, decision.regions
        wanted = set(view) & set(self.places)
        parts: list[Figure] = []
        for region, members in self.by_region.items():
            if region in regions and wanted.issuperset(members):
                parts.append(regions[region])
                wanted -= set(members)
        for pdu, members in self.by_pdu.items():
            if pdu in pdus and wanted.issuperset(members):
                parts.append(pdus[pdu])
                wanted -= set(members)
        parts.extend(teams[t] for t in sorted(wanted))
        if len(parts) == 1:
            (only,) = parts
            return Figure(only.n, None, only.hidden, only.reason)
        total = Figure(sum(p.n for p in parts), None)
        hide_small([total], self.threshold)
        hide_complements([[*(p for p in parts if p.hidden), total]])
        return total


# 1. Case-audit rates ----------------------------------------------------------------------


@dataclass(frozen=True)
class Rate:
    # None when hidden to protect a small group.
    yes: int | None
    answered: int | None
    # "primary" (fewer than 5 practitioners), "secondary" or None when shown.
    hidden: str | None = None

    @property
    def percent(self) -> int | None:
        if self.yes is None or self.answered is None:
            return None
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
    """Case record audits and court report checks by quarter, against the baselines.

    A quarter's rate for a question hides (``Rate.hidden``) when the answers come from
    the audits of fewer than 5 practitioners, or ``SmallGroups`` hides it to protect a
    small group elsewhere (it weighs every team of the regions holding ``team_ids``).
    """
    quarters = quarters_to(today)
    groups = SmallGroups.of_regions(team_ids) if team_ids else None
    found = audits.sums(team_ids, groups.places, today) if groups is not None else audits.Sums()
    counts, tallies, answering = found.audits, found.tallies, found.answering

    def rate(key: str, quarter: str) -> Rate:
        yes, answered = tallies.get((key, quarter), (0, 0))
        if answered and groups is not None:
            figure = groups.figure(answering[(key, quarter)], team_ids)
            if figure.hidden:
                return Rate(None, None, figure.reason)
        return Rate(yes, answered)

    result = []
    for kind in AUDIT_TYPES:
        questions = [
            QuestionRates(q.key, q.text, BASELINES[q.key], {qr: rate(q.key, qr) for qr in quarters})
            for q in questions_for(kind)
            if q.key in BASELINES
        ]
        result.append(
            AuditRates(
                kind, quarters, {qr: counts.get((kind.value, qr), 0) for qr in quarters}, questions
            )
        )
    return result


# 2. Cycle completion ----------------------------------------------------------------------


@dataclass(frozen=True)
class CycleRow:
    cycle_id: int
    name: str
    unit: str
    opens_on: date
    closes_on: date
    # None when hidden to protect a small group.
    practitioners: int | None
    submitted: int | None
    # "primary" (fewer than 5 practitioners), "secondary" or None when shown.
    hidden: str | None = None

    @property
    def percent(self) -> int | None:
        if self.submitted is None or self.practitioners is None:
            return None
        return percent(self.submitted, self.practitioners)


def _unit_columns(team_ids: Collection[int]) -> tuple[list[int], list[int], list[int]]:
    """The teams, their PDUs and their regions: a unit holding one of the teams."""
    statement = select(Team.id, Team.pdu_id, Pdu.region_id).join(Pdu, Pdu.id == Team.pdu_id)
    if len(team_ids) <= MANY_TEAMS:
        rows = db.session.execute(statement.where(among(Team.id, team_ids))).all()
    else:
        # Reading every team costs less than naming a few thousand in the query.
        wanted = set(team_ids)
        rows = [r for r in db.session.execute(statement) if r[0] in wanted]
    return (
        sorted({r[0] for r in rows}),
        sorted({r[1] for r in rows}),
        sorted({r[2] for r in rows}),
    )


def _holds_teams(model, team_ids: Collection[int]):
    teams, pdus, regions = _unit_columns(team_ids)
    return or_(among(model.team_id, teams), model.pdu_id.in_(pdus), model.region_id.in_(regions))


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
        completion = [r for r in cycle_completion(cycle).teams if r.team]
        teams = [r for r in completion if r.team.id in team_ids]
        figure = SmallGroups.of_unit(cycle.unit).figure(
            {r.team.id: r.total for r in completion}, team_ids
        )
        shown = not figure.hidden
        rows.append(
            CycleRow(
                cycle.id,
                cycle.name,
                cycle.unit.label,
                cycle.opens_on,
                cycle.closes_on,
                practitioners=sum(r.total for r in teams) if shown else None,
                submitted=sum(r.submitted for r in teams) if shown else None,
                hidden=figure.reason if figure.hidden else None,
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
    # None when hidden to protect a small group.
    practitioners: int | None
    observed: int | None
    # "primary" (fewer than 5 practitioners), "secondary" or None when shown.
    hidden: str | None = None

    @property
    def percent(self) -> int | None:
        if self.observed is None or self.practitioners is None:
            return None
        return percent(self.observed, self.practitioners)


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
    if not campaigns:
        return []
    groups = {campaign.id: SmallGroups.of_unit(campaign.unit) for campaign in campaigns}
    everyone = set().union(*(g.places for g in groups.values()))
    per_team = _practitioners_by_team(everyone)
    names = dict(db.session.execute(select(Skill.slug, Skill.name)).all())
    rows = []
    for campaign in campaigns:
        places = groups[campaign.id].places
        figure = groups[campaign.id].figure(per_team, team_ids)
        inside = sorted(t for t in team_ids if t in places)
        members = 0 if figure.hidden else sum(per_team.get(t, 0) for t in inside)
        observed = 0
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
            observed = db.session.scalar(
                select(func.count(func.distinct(Observation.practitioner_id))).where(
                    Observation.practitioner_id.in_(
                        _practitioners(inside).with_only_columns(User.id)
                    ),
                    Observation.status.in_(SHARED),
                    Observation.observed_on >= campaign.starts_on,
                    Observation.observed_on <= campaign.ends_on,
                    or_(Observation.focus_campaign_id == campaign.id, rated_skill),
                )
            )
        rows.append(
            CampaignRow(
                campaign.id,
                names.get(campaign.skill_slug, campaign.skill_slug),
                campaign.unit.label,
                campaign.starts_on,
                campaign.ends_on,
                practitioners=None if figure.hidden else members,
                observed=None if figure.hidden else int(observed or 0),
                hidden=figure.reason if figure.hidden else None,
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
    """Each observer of the teams' practitioners this month and the 11 before, by name.

    An observer who rated in more than one role shows the one they rated most in."""
    sums: dict[int, list[int | float]] = {}
    roles: dict[int, tuple[int, str]] = {}
    for observer_id, role, ratings, total, expected in observer_means(team_ids, today):
        have = sums.setdefault(observer_id, [0, 0, 0.0])
        have[0] += int(ratings)
        have[1] += int(total)
        have[2] += float(expected)
        roles[observer_id] = max(roles.get(observer_id, (0, "")), (ratings, role))
    names = dict(db.session.execute(select(User.id, User.name).where(among(User.id, sums))).all())
    result = [
        ObserverRow(
            observer_id,
            names.get(observer_id, ""),
            roles[observer_id][1].upper(),
            n,
            total / n,
            expected / n,
        )
        for observer_id, (n, total, expected) in sums.items()
    ]
    return sorted(result, key=lambda r: (r.name, r.observer_id))
