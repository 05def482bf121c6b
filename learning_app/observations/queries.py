"""Read side of observations, feedback and focus campaigns."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Select, case, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from learning_app.accounts.constants import Role
from learning_app.accounts.models import User, holds_role
from learning_app.core.policy import can_record_evidence_for, qdo_pdu_ids, spo_team_ids
from learning_app.extensions import db
from learning_app.framework.models import FrameworkVersion, Skill
from learning_app.observations.models import (
    FEEDBACK_ITEMS,
    AuditAnswer,
    FeedbackResponse,
    FocusCampaign,
    Observation,
    ObservationAmendment,
    ObservationRating,
    ObservationStatus,
    RatingReply,
)
from learning_app.observations.questions import ANSWER_LABELS, QUESTIONS, AuditQuestion
from learning_app.observations.types import DetailField, TypeSpec, spec_for
from learning_app.org.models import Pdu, Region, Team
from learning_app.org.units import unit_scope

# Ids in URLs are checked against the column's range so that PostgreSQL never sees a
# number it cannot hold (which would be a 500, not a 404).
MAX_ID = 2**31 - 1

# Feedback from people on probation is shown for a practitioner only from this many
# responses (DESIGN.md 5.2), and each item only from this many answers to it.
FEEDBACK_THRESHOLD = 5
# Free text is more identifying than yes/no answers (DOMAIN.md (e)): comments are
# shown only from this many responses.
FEEDBACK_COMMENT_THRESHOLD = 10


def find_observation(observation_id: int) -> Observation | None:
    if not 0 < observation_id <= MAX_ID:
        return None
    return db.session.get(Observation, observation_id)


# Lists ----------------------------------------------------------------------------


def recorded_by_statement(observer: User) -> Select:
    """Observations ``observer`` recorded: drafts first, then the newest observed."""
    drafts_first = case((Observation.status == ObservationStatus.DRAFT.value, 0), else_=1)
    return (
        select(Observation)
        .where(Observation.observer_id == observer.id)
        .options(joinedload(Observation.practitioner))
        .order_by(drafts_first, Observation.observed_on.desc(), Observation.id.desc())
    )


def observations_about(practitioner: User) -> list[Observation]:
    """Shared and acknowledged observations about ``practitioner``, newest first.

    For the practitioner's own pages: drafts are never shown to them.
    """
    return list(
        db.session.scalars(
            select(Observation)
            .where(
                Observation.practitioner_id == practitioner.id,
                Observation.status != ObservationStatus.DRAFT.value,
            )
            .options(joinedload(Observation.observer))
            .order_by(Observation.observed_on.desc(), Observation.id.desc())
        )
    )


# People in scope --------------------------------------------------------------------


def practitioners_in_scope(actor: User) -> list[User]:
    """Active practitioners ``actor`` may record evidence about, by team then name.

    SPO: their teams' practitioners; QDO: the practitioners of their PDU.
    """
    team_ids = spo_team_ids(actor)
    pdu_ids = qdo_pdu_ids(actor)
    if not team_ids and not pdu_ids:
        return []
    is_practitioner = holds_role(Role.PRACTITIONER)
    candidates = db.session.scalars(
        select(User)
        .join(Team, User.team_id == Team.id)
        .where(
            User.active.is_(True),
            User.id != actor.id,
            is_practitioner,
            or_(Team.id.in_(team_ids), Team.pdu_id.in_(pdu_ids)),
        )
        .options(joinedload(User.team).joinedload(Team.pdu))
        .order_by(Team.name, Team.id, User.name, User.id)
    ).unique()
    return [u for u in candidates if can_record_evidence_for(actor, u)]


def find_practitioner_in_scope(actor: User, user_id: int | None) -> User | None:
    """The practitioner with ``user_id`` if ``actor`` may record about them, else None."""
    if user_id is None or not 0 < user_id <= MAX_ID:
        return None
    user = db.session.get(User, user_id)
    if user is None or not can_record_evidence_for(actor, user):
        return None
    return user


# Focus campaigns ----------------------------------------------------------------------


def _unit_filter(practitioner: User):
    team = practitioner.team
    return or_(
        FocusCampaign.team_id == team.id,
        FocusCampaign.pdu_id == team.pdu_id,
        FocusCampaign.region_id == team.pdu.region_id,
    )


def active_campaign_for(practitioner: User, today: date) -> FocusCampaign | None:
    """The focus campaign running ``today`` for a unit containing the practitioner.

    The nearest unit wins (team, then PDU, then region); then the latest to start.
    """
    if practitioner.team is None:
        return None
    nearest = case(
        (FocusCampaign.team_id.is_not(None), 0),
        (FocusCampaign.pdu_id.is_not(None), 1),
        else_=2,
    )
    return db.session.scalar(
        select(FocusCampaign)
        .where(
            _unit_filter(practitioner),
            FocusCampaign.starts_on <= today,
            FocusCampaign.ends_on >= today,
        )
        .order_by(nearest, FocusCampaign.starts_on.desc(), FocusCampaign.id.desc())
        .limit(1)
    )


def campaign_units(actor: User) -> list[Team | Pdu | Region]:
    """The units an L&D lead may set a campaign for: their regions and PDUs and every
    PDU and team inside them; each region first, then each PDU followed by its teams."""
    return unit_scope(actor, Role.LD_LEAD).units


def campaign_in_scope(actor: User, campaign: FocusCampaign) -> bool:
    keys = {unit_key(u) for u in campaign_units(actor)}
    return unit_key(campaign.unit) in keys


def unit_key(unit: Team | Pdu | Region) -> str:
    """A unit as one form value: ``team:3``, ``pdu:2``, ``region:1``."""
    kind = {Team: "team", Pdu: "pdu", Region: "region"}[type(unit)]
    return f"{kind}:{unit.id}"


def campaigns_in_scope(actor: User) -> list[FocusCampaign]:
    """Campaigns for the units ``actor`` leads: latest ending first."""
    units = campaign_units(actor)
    team_ids = [u.id for u in units if isinstance(u, Team)]
    pdu_ids = [u.id for u in units if isinstance(u, Pdu)]
    region_ids = [u.id for u in units if isinstance(u, Region)]
    if not units:
        return []
    return list(
        db.session.scalars(
            select(FocusCampaign)
            .where(
                or_(
                    FocusCampaign.team_id.in_(team_ids),
                    FocusCampaign.pdu_id.in_(pdu_ids),
                    FocusCampaign.region_id.in_(region_ids),
                )
            )
            .order_by(FocusCampaign.ends_on.desc(), FocusCampaign.starts_on.desc())
        )
    )


def overlapping_campaign(
    unit: Team | Pdu | Region, starts_on: date, ends_on: date
) -> FocusCampaign | None:
    """A campaign for the same unit whose dates overlap these."""
    column = {
        Team: FocusCampaign.team_id,
        Pdu: FocusCampaign.pdu_id,
        Region: FocusCampaign.region_id,
    }[type(unit)]
    return db.session.scalar(
        select(FocusCampaign)
        .where(
            column == unit.id,
            FocusCampaign.starts_on <= ends_on,
            FocusCampaign.ends_on >= starts_on,
        )
        .limit(1)
    )


def campaign_observation_counts(campaigns: list[FocusCampaign]) -> dict[int, int]:
    """How many shared observations asked for each campaign's skill first."""
    if not campaigns:
        return {}
    rows = db.session.execute(
        select(Observation.focus_campaign_id, func.count())
        .where(
            Observation.focus_campaign_id.in_([c.id for c in campaigns]),
            Observation.status != ObservationStatus.DRAFT.value,
        )
        .group_by(Observation.focus_campaign_id)
    )
    return {campaign_id: count for campaign_id, count in rows}


def find_campaign(campaign_id: int) -> FocusCampaign | None:
    if not 0 < campaign_id <= MAX_ID:
        return None
    return db.session.get(FocusCampaign, campaign_id)


def campaign_observed_count(campaign: FocusCampaign) -> int:
    return (
        db.session.scalar(select(func.count()).where(Observation.focus_campaign_id == campaign.id))
        or 0
    )


# Evidence -----------------------------------------------------------------------------


def current_ratings(observation: Observation) -> list[ObservationRating]:
    return [r for r in observation.ratings if not r.superseded]


def current_answers(observation: Observation) -> list[AuditAnswer]:
    return [a for a in observation.answers if not a.superseded]


def evidence_slugs(observation: Observation) -> list[str]:
    """The skills an observation is evidence for: rated skills and answered questions
    (not "not seen", not "not applicable")."""
    slugs = {r.skill.slug for r in current_ratings(observation) if r.level is not None}
    slugs |= {a.skill.slug for a in current_answers(observation) if a.answer in ("yes", "no")}
    return sorted(slugs)


def skills_in_order(version: FrameworkVersion) -> list[Skill]:
    """Every skill of a version, in framework order, with descriptors loaded."""
    return list(
        db.session.scalars(
            select(Skill)
            .where(Skill.version_id == version.id)
            .options(selectinload(Skill.descriptors))
            .order_by(Skill.position, Skill.id)
        )
    )


# The detail page ------------------------------------------------------------------------


@dataclass
class DetailRow:
    label: str
    value: str


@dataclass
class RatingRow:
    skill: Skill
    level: int | None
    reply: RatingReply | None
    amended: bool


@dataclass
class AnswerRow:
    question: AuditQuestion | None
    text: str
    answer: str
    answer_label: str
    skill: Skill
    amended: bool


@dataclass
class Change:
    what: str
    before: str
    after: str


@dataclass
class AmendmentView:
    amendment: ObservationAmendment
    changes: list[Change] = field(default_factory=list)


@dataclass
class ObservationView:
    """Everything the detail page shows about one observation, ready to render."""

    observation: Observation
    spec: TypeSpec
    details: list[DetailRow]
    ratings: list[RatingRow]
    answers: list[AnswerRow]
    amendments: list[AmendmentView]
    campaign: FocusCampaign | None


def level_text(level: int | None, level_names: dict[int, str]) -> str:
    return f"{level}: {level_names[level]}" if level else "Not seen"


def observation_view(observation: Observation, level_names: dict[int, str]) -> ObservationView:
    """Assemble the detail page: details in words, current ratings and answers with
    the practitioner's replies, and every amendment with what it changed."""
    spec = spec_for(observation.type)
    details = [
        DetailRow(f.label, f.display(observation.details.get(f.key)))
        for f in spec.fields
        if _shown(f, observation.details)
    ]
    replies = {r.skill_id: r for r in observation.replies}
    position = {s.id: s.position for s in observation.framework_version.skills}
    ratings = sorted(
        (
            RatingRow(r.skill, r.level, replies.get(r.skill_id), r.amendment_id is not None)
            for r in current_ratings(observation)
        ),
        key=lambda row: (row.level is None, position.get(row.skill.id, 0)),
    )
    order = {key: i for i, key in enumerate(QUESTIONS)}
    answers = sorted(
        (
            AnswerRow(
                QUESTIONS.get(a.question_key),
                QUESTIONS[a.question_key].text if a.question_key in QUESTIONS else a.question_key,
                a.answer,
                ANSWER_LABELS.get(a.answer, a.answer),
                a.skill,
                a.amendment_id is not None,
            )
            for a in current_answers(observation)
        ),
        key=lambda row: order.get(row.question.key if row.question else "", len(order)),
    )
    return ObservationView(
        observation=observation,
        spec=spec,
        details=details,
        ratings=ratings,
        answers=answers,
        amendments=_amendment_history(observation, level_names),
        campaign=db.session.get(FocusCampaign, observation.focus_campaign_id)
        if observation.focus_campaign_id
        else None,
    )


def _shown(detail: DetailField, details: dict) -> bool:
    return detail.key in details or bool(detail.required_message)


def _amendment_history(
    observation: Observation, level_names: dict[int, str]
) -> list[AmendmentView]:
    """What each amendment changed: each new row against the row it superseded."""
    views = {a.id: AmendmentView(a) for a in observation.amendments}
    ratings_by_skill: dict[int, list[ObservationRating]] = defaultdict(list)
    for r in sorted(observation.ratings, key=lambda r: r.id):
        ratings_by_skill[r.skill_id].append(r)
    for rows in ratings_by_skill.values():
        for before, after in zip([None, *rows], rows, strict=False):
            if after.amendment_id in views:
                views[after.amendment_id].changes.append(
                    Change(
                        after.skill.name,
                        level_text(before.level if before else None, level_names),
                        level_text(after.level, level_names),
                    )
                )
    answers_by_key: dict[str, list[AuditAnswer]] = defaultdict(list)
    for a in sorted(observation.answers, key=lambda a: a.id):
        answers_by_key[a.question_key].append(a)
    for key, rows in answers_by_key.items():
        text = QUESTIONS[key].text if key in QUESTIONS else key
        for before, after in zip([None, *rows], rows, strict=False):
            if after.amendment_id in views:
                views[after.amendment_id].changes.append(
                    Change(
                        text,
                        ANSWER_LABELS.get(before.answer, before.answer)
                        if before
                        else "Not answered",
                        ANSWER_LABELS.get(after.answer, after.answer),
                    )
                )
    return [views[a.id] for a in observation.amendments]


# Feedback from people on probation -------------------------------------------------------


@dataclass
class FeedbackItemSummary:
    key: str
    label: str
    yes: int
    answered: int

    @property
    def shown(self) -> bool:
        return self.answered >= FEEDBACK_THRESHOLD

    @property
    def percent_yes(self) -> int | None:
        """Per cent "yes" of those who answered; None when too few answered to show."""
        if not self.shown:
            return None
        return round(100 * self.yes / self.answered)


@dataclass
class FeedbackSummary:
    """Feedback about one practitioner; ``suppressed`` below the threshold, when
    nothing but the fact that it is suppressed may be shown."""

    responses: int
    suppressed: bool
    items: list[FeedbackItemSummary]
    comments: list[str]
    threshold: int = FEEDBACK_THRESHOLD


def feedback_summary(practitioner: User) -> FeedbackSummary | None:
    """Per item, % "yes" of those who answered, with the number answering.

    None when there is no feedback at all. Fewer than ``FEEDBACK_THRESHOLD``
    responses gives a suppressed summary with no figures, so answers cannot be
    traced to a person. Comments come without dates, in alphabetical order.
    """
    rows = list(
        db.session.scalars(
            select(FeedbackResponse).where(FeedbackResponse.practitioner_id == practitioner.id)
        )
    )
    if not rows:
        return None
    if len(rows) < FEEDBACK_THRESHOLD:
        return FeedbackSummary(responses=len(rows), suppressed=True, items=[], comments=[])
    items = []
    for key, label in FEEDBACK_ITEMS:
        answers = [getattr(r, key) for r in rows if getattr(r, key) is not None]
        items.append(FeedbackItemSummary(key, label, answers.count("yes"), len(answers)))
    comments = (
        sorted(r.comment for r in rows if r.comment)
        if len(rows) >= FEEDBACK_COMMENT_THRESHOLD
        else []
    )
    return FeedbackSummary(responses=len(rows), suppressed=False, items=items, comments=comments)
