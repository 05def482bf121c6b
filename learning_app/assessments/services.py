"""Self-assessment and learning-analysis cycle use cases (DESIGN.md 5.1).

Each function takes the actor and the date or time explicitly, flushes, writes an
audit event and never commits. Refusals raise ``SelfAssessmentError`` or
``CycleError``, whose message is fit to show in a GOV.UK error summary.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError

from learning_app.accounts.models import User
from learning_app.assessments import queries
from learning_app.assessments.models import (
    Confidence,
    LearningCycle,
    LearningPreference,
    SelfAssessment,
    SelfRating,
)
from learning_app.core import audit
from learning_app.core.events import evidence_changed
from learning_app.extensions import db
from learning_app.framework.queries import published_version

LONDON = ZoneInfo("Europe/London")
COMMENT_MAX = 1000
CYCLE_NAME_MAX = 120

# slug -> (level or None, confidence or None, comment or None)
Answer = tuple[int | None, str | None, str | None]


class SelfAssessmentError(Exception):
    """A change to a self-assessment that its rules do not allow.

    ``field`` names the form field the message belongs to, when there is one.
    """

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class CycleError(SelfAssessmentError):
    """A change to a learning-analysis cycle that its rules do not allow."""


# Self-assessments ---------------------------------------------------------------------


def _require_draft(sa: SelfAssessment) -> None:
    if sa.submitted:
        raise SelfAssessmentError(
            "This self-assessment has been submitted, so it can no longer be changed"
        )


def start_self_assessment(practitioner: User, today: date) -> SelfAssessment:
    """Start a self-assessment for the published framework, or return the draft already
    under way (there is at most one).

    The draft counts towards the first open cycle that applies to the practitioner and
    that they have not answered yet; with none, it is ad hoc. An unlinked draft is linked
    here too, if such a cycle has opened since it was started. Raises
    ``SelfAssessmentError`` when no framework is published. Audit: ``self_assessment.start``.
    """
    draft = queries.current_draft(practitioner)
    if draft is not None:
        _join_open_cycle(draft, practitioner, today)
        return draft
    version = published_version()
    if version is None:
        raise SelfAssessmentError(
            "You cannot start a self-assessment yet because no skills framework has been "
            "published. Try again later"
        )
    cycle = queries.cycle_to_join(practitioner, today)
    sa = SelfAssessment(
        practitioner=practitioner,
        cycle=cycle,
        framework_version=version,
        status="draft",
        learning_preferences=[],
    )
    try:
        # A second click (or tab) may have started one a moment ago: the one-draft index
        # refuses the duplicate, and the draft already there is the answer.
        with db.session.begin_nested():
            db.session.add(sa)
            db.session.flush()
    except IntegrityError:
        existing = queries.current_draft(practitioner)
        if existing is None:
            raise
        return existing
    audit.record(
        practitioner,
        "self_assessment.start",
        sa,
        detail={"cycle_id": cycle.id if cycle else None, "framework_version_id": version.id},
    )
    return sa


def _join_open_cycle(sa: SelfAssessment, practitioner: User, today: date) -> None:
    if sa.cycle_id is not None:
        return
    cycle = queries.cycle_to_join(practitioner, today)
    if cycle is not None:
        sa.cycle = cycle
        db.session.flush()
        audit.record(practitioner, "self_assessment.join_cycle", sa, detail={"cycle_id": cycle.id})


def _clean_answer(name: str, answer: Answer) -> Answer:
    level, confidence, comment = answer
    if level is not None and (isinstance(level, bool) or level not in (1, 2, 3, 4)):
        raise SelfAssessmentError(f"Select a level for {name} from the list")
    if confidence is not None and confidence not in {c.value for c in Confidence}:
        raise SelfAssessmentError(f"Select how confident you are in your rating of {name}")
    comment = (comment or "").strip() or None
    if comment is not None and len(comment) > COMMENT_MAX:
        raise SelfAssessmentError(
            f"Your comment on {name} must be {COMMENT_MAX} characters or fewer"
        )
    if level is None and (confidence or comment):
        raise SelfAssessmentError(
            f"Select a level for {name}, or remove your confidence and comment"
        )
    return level, confidence, comment


def save_domain_answers(
    sa: SelfAssessment, domain_code: str, answers: Mapping[str, Answer]
) -> None:
    """Save the answers to one domain's skills, by skill slug; partial answers are fine.

    A level of None clears the skill's rating (it is "not yet answered"); skills of the
    domain that are not in ``answers`` keep what they had. Refuses a submitted
    self-assessment, an unknown domain, a skill of another domain, a level outside 1-4,
    an unknown confidence, a comment over 1000 characters, and a confidence or comment
    without a level. Audit: ``self_assessment.save_domain``.
    """
    _require_draft(sa)
    domain = queries.find_domain(sa, domain_code)
    if domain is None:
        raise SelfAssessmentError(f"There is no domain {domain_code!r} in this framework")
    skills = {s.slug: s for s in domain.skills}
    unknown = sorted(set(answers) - set(skills))
    if unknown:
        raise SelfAssessmentError(f"These skills are not in {domain.name}: {', '.join(unknown)}")
    cleaned = {slug: _clean_answer(skills[slug].name, a) for slug, a in answers.items()}

    existing = queries.ratings_by_skill(sa)
    for slug, (level, confidence, comment) in cleaned.items():
        skill = skills[slug]
        rating = existing.get(skill.id)
        if level is None:
            if rating is not None:
                sa.ratings.remove(rating)
            continue
        if rating is None:
            rating = SelfRating(skill=skill)
            sa.ratings.append(rating)
        rating.level, rating.confidence, rating.comment = level, confidence, comment
    db.session.flush()
    audit.record(
        sa.practitioner,
        "self_assessment.save_domain",
        sa,
        detail={
            "domain": domain.code,
            "answered": sorted(s for s, a in cleaned.items() if a[0] is not None),
        },
    )


def save_learning_preferences(sa: SelfAssessment, prefs: Iterable[str]) -> None:
    """Record how the practitioner likes to learn (``LearningPreference`` values).

    Unknown values are refused; the order of ``LearningPreference`` is kept.
    Audit: ``self_assessment.save_preferences``.
    """
    _require_draft(sa)
    chosen = set(prefs)
    known = [p.value for p in LearningPreference]
    unknown = chosen - set(known)
    if unknown:
        raise SelfAssessmentError("Select how you like to learn from the list")
    sa.learning_preferences = [p for p in known if p in chosen]
    db.session.flush()
    audit.record(
        sa.practitioner,
        "self_assessment.save_preferences",
        sa,
        detail={"learning_preferences": sa.learning_preferences},
    )


def submit(sa: SelfAssessment, now: datetime) -> None:
    """Submit a complete self-assessment: it is frozen from now on.

    Refuses one already submitted and one with a skill not rated. An unlinked draft
    counts towards an open cycle that applies (as when starting). Sends
    ``evidence_changed`` for the practitioner, so stored profiles pick up the new self
    levels in this transaction. Audit: ``self_assessment.submit``.
    """
    if sa.submitted:
        raise SelfAssessmentError("You have already submitted this self-assessment")
    missing = queries.unrated_skills(sa)
    if missing:
        names = ", ".join(s.name for s in missing)
        raise SelfAssessmentError(f"Rate every skill before you submit. Not rated yet: {names}")
    practitioner = sa.practitioner
    _join_open_cycle(sa, practitioner, _local_date(now))
    sa.status = "submitted"
    sa.submitted_at = now
    db.session.flush()
    audit.record(
        practitioner,
        "self_assessment.submit",
        sa,
        detail={"cycle_id": sa.cycle_id, "skills": len(sa.ratings)},
    )
    evidence_changed.send(practitioner, skill_slugs=None)


def _local_date(moment: datetime) -> date:
    return moment.astimezone(LONDON).date() if moment.tzinfo else moment.date()


# Cycles -------------------------------------------------------------------------------


def _check_cycle(
    actor: User, name: str, unit: queries.Unit, opens_on: date, closes_on: date
) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise CycleError("Enter a name for the cycle", "name")
    if len(name) > CYCLE_NAME_MAX:
        raise CycleError(f"Name must be {CYCLE_NAME_MAX} characters or fewer", "name")
    scope = queries.lead_scope(actor)
    if unit is None or scope.unit_by_key(queries.unit_key(unit)) is None:
        raise CycleError("Select a unit from the list", "unit")
    if closes_on < opens_on:
        raise CycleError(
            "The closing date must be the same as or after the opening date", "closes_on"
        )
    return name


def _cycle_detail(cycle: LearningCycle) -> dict:
    return {
        "name": cycle.name,
        "unit": queries.unit_key(cycle.unit),
        "opens_on": cycle.opens_on.isoformat(),
        "closes_on": cycle.closes_on.isoformat(),
    }


def create_cycle(
    actor: User, *, name: str, unit: queries.Unit, opens_on: date, closes_on: date
) -> LearningCycle:
    """Open a learning-analysis cycle for a unit in the L&D lead's scope.

    Audit: ``learning_cycle.create``.
    """
    name = _check_cycle(actor, name, unit, opens_on, closes_on)
    cycle = LearningCycle(name=name, opens_on=opens_on, closes_on=closes_on, created_by_id=actor.id)
    cycle.set_unit(unit)
    db.session.add(cycle)
    db.session.flush()
    audit.record(actor, "learning_cycle.create", cycle, detail=_cycle_detail(cycle))
    return cycle


def update_cycle(
    actor: User,
    cycle: LearningCycle,
    *,
    name: str,
    unit: queries.Unit,
    opens_on: date,
    closes_on: date,
) -> None:
    """Change a cycle's name, unit or dates; a cycle closed early cannot be changed.

    Audit: ``learning_cycle.update`` with the values before and after.
    """
    if cycle.closed_at is not None:
        raise CycleError("This cycle has been closed, so it can no longer be changed")
    name = _check_cycle(actor, name, unit, opens_on, closes_on)
    before = _cycle_detail(cycle)
    cycle.name, cycle.opens_on, cycle.closes_on = name, opens_on, closes_on
    cycle.set_unit(unit)
    db.session.flush()
    audit.record(
        actor,
        "learning_cycle.update",
        cycle,
        detail={"before": before, "after": _cycle_detail(cycle)},
    )


def close_cycle(actor: User, cycle: LearningCycle, now: datetime) -> None:
    """Close a cycle early: from now on it is no longer open to practitioners.

    Drafts already linked to it stay linked and may still be submitted.
    Audit: ``learning_cycle.close``.
    """
    if cycle.closed_at is not None:
        raise CycleError("This cycle has already been closed")
    cycle.closed_at = now
    db.session.flush()
    audit.record(actor, "learning_cycle.close", cycle, detail={"name": cycle.name})
