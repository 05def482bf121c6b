"""The oversight record of a one-to-one reflective discussion: what replaces the
countersignature (DESIGN.md section 8).

The order is fixed, and the pages say so:

1. before the meeting the practitioner writes their proposal (what they think and what
   they plan to do); they can change it until the SPO records the meeting;
2. the SPO records the discussion (status ``recorded``) and can change the record until
   they sign it; signing freezes the SPO's part;
3. the practitioner then adds their reflection on the signed record and signs it too
   (status ``signed``).

Once both have signed the record is read-only: every function here refuses to change it.
The practitioner's sign-off turns it into an acknowledged observation of type reflective
discussion for the skills rated, so stored profiles follow in the same transaction, and
closes the case event it answered (which starts the case reference's retention clock).

Each function takes the actor explicitly, checks the rules again (the forms check them
first, for the messages), flushes, writes the audit log and never commits. A refusal
raises ``DiscussionError`` with a message fit to show the user and the form field it is
about.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select

from learning_app.accounts.constants import Role
from learning_app.accounts.models import User
from learning_app.core import audit
from learning_app.core.events import evidence_changed
from learning_app.core.personal_data import personal_data_problems
from learning_app.core.time import london_date
from learning_app.extensions import db
from learning_app.framework.models import FrameworkVersion
from learning_app.framework.queries import published_version
from learning_app.observations.models import (
    Observation,
    ObservationAction,
    ObservationRating,
    ObservationStatus,
    ObservationType,
)
from learning_app.observations.types import (
    REFLECTIVE_DISCUSSION,
    clean_details,
    missing_details,
)
from learning_app.reflective.models import (
    ActionOwner,
    Discussion,
    DiscussionAction,
    DiscussionDecision,
    DiscussionRating,
    DiscussionStatus,
    DueReason,
)
from learning_app.reflective.services import DiscussionError

PROPOSAL_MAX = 3000
STRUCTURE_MAX = 3000
WELLBEING_MAX = 2000
REFLECTION_MAX = 3000
DECISION_MAX = 1000
ACTION_MAX = 500
ROWS_MAX = 5
LEVELS = (1, 2, 3, 4)
# The models the observation type knows, so a record always makes a valid observation.
REFLECTIVE_MODELS: tuple[tuple[str, str], ...] = REFLECTIVE_DISCUSSION.field("model").options
MODEL_LABELS = dict(REFLECTIVE_MODELS)
OWNER_LABELS = {ActionOwner.PRACTITIONER.value: "Practitioner", ActionOwner.SPO.value: "SPO"}

# What prompted the discussion, in the observation type's words. Rules an admin adds
# later fall back to "something else".
TRIGGERS = {
    "rosh-high": "rosh_raised",
    "first-in-case-type": "new_case_type",
    "enquiry-not-returned": "enquiry_outstanding",
    "mappa": "mappa",
    "serious-incident": "serious_incident",
    "high-risk-transition": "rosh_raised",
    "return-or-workload": "absence_workload",
    "audit-keeping-safe-no": "qa_finding",
    "risk-critical-rating-1": "qa_finding",
}

# HTML tags, as core.forms.NoMarkup finds them: the service shows text as typed.
_TAG = re.compile(r"<\s*/?\s*[a-zA-Z!][^>]*>")


# Inputs -----------------------------------------------------------------------------------


@dataclass
class DecisionInput:
    decision: str
    rationale: str


@dataclass
class ActionInput:
    text: str
    owner: str  # ActionOwner value
    due_on: date


@dataclass
class RecordInput:
    """What the SPO's recording form collected.

    ``ratings`` maps the slugs of the skills discussed to a level, or None for
    "discussed, not rated"; skills not discussed are left out.
    """

    held_on: date
    reflective_model: str
    what_happened: str
    so_what: str
    now_what: str
    wellbeing_check: str
    ratings: dict[str, int | None] = field(default_factory=dict)
    decisions: list[DecisionInput] = field(default_factory=list)
    actions: list[ActionInput] = field(default_factory=list)


# Where a record stands ------------------------------------------------------------------------


def booked_on(discussion: Discussion) -> date:
    """The day the discussion was created (and so at the earliest booked), London time."""
    return london_date(discussion.created_at)


def recording_opens_on(discussion: Discussion) -> date | None:
    """The day of the slot: the SPO can record the discussion from then on."""
    return london_date(discussion.starts_at) if discussion.starts_at else None


def proposal_open(discussion: Discussion) -> bool:
    """The practitioner may write or change their proposal until the SPO records."""
    live = discussion.status in (DiscussionStatus.DUE, DiscussionStatus.BOOKED)
    return live and discussion.recorded_at is None


def recording_open(discussion: Discussion, today: date) -> bool:
    """The SPO may write or change the record: from the slot's day until they sign."""
    opens_on = recording_opens_on(discussion)
    return (
        discussion.status in (DiscussionStatus.BOOKED, DiscussionStatus.RECORDED)
        and discussion.spo_signed_at is None
        and opens_on is not None
        and opens_on <= today
    )


def reflection_open(discussion: Discussion) -> bool:
    """The practitioner may write their reflection once the SPO has signed, until they do."""
    return (
        discussion.status == DiscussionStatus.RECORDED
        and discussion.spo_signed_at is not None
        and discussion.practitioner_signed_at is None
    )


def spo_may_sign(discussion: Discussion) -> bool:
    return discussion.status == DiscussionStatus.RECORDED and discussion.spo_signed_at is None


def practitioner_may_sign(discussion: Discussion) -> bool:
    return reflection_open(discussion) and bool(discussion.practitioner_reflection)


# Checks ---------------------------------------------------------------------------------------


def _refuse_if_signed(discussion: Discussion) -> None:
    if discussion.is_signed:
        raise DiscussionError("This record has been signed by both of you, so it cannot be changed")


def _require_practitioner(actor: User, discussion: Discussion) -> None:
    if actor.id != discussion.practitioner_id:
        raise DiscussionError("Only the practitioner can do this")


def _require_spo(actor: User, discussion: Discussion) -> None:
    if discussion.spo_id is None or actor.id != discussion.spo_id:
        raise DiscussionError("Only the SPO holding the discussion can do this")


def _text(value: str | None, name: str, field_name: str | None, limit: int) -> str:
    """Required free text: present, short enough, no HTML and no personal data."""
    value = (value or "").strip()
    if not value:
        raise DiscussionError(f"Enter {name.lower()}", field_name)
    if len(value) > limit:
        raise DiscussionError(f"{name} must be {limit:,} characters or fewer", field_name)
    if "\x00" in value:
        # PostgreSQL cannot store it, and no keyboard types it.
        raise DiscussionError(f"{name} must not include invisible control characters", field_name)
    if _TAG.search(value):
        raise DiscussionError(f"{name} must not include HTML", field_name)
    problems = personal_data_problems(value)
    if problems:
        raise DiscussionError(
            f"{name} looks like it includes personal details of a person on probation: "
            f"{'; '.join(problems)}. Remove them",
            field_name,
        )
    return value


def _version() -> FrameworkVersion:
    version = published_version()
    if version is None:
        raise DiscussionError("The skills framework has not been published yet")
    return version


# The practitioner's proposal ---------------------------------------------------------------------


def save_proposal(actor: User, discussion: Discussion, text: str) -> None:
    """Write or replace the practitioner's proposal: what they think and plan to do."""
    _require_practitioner(actor, discussion)
    _refuse_if_signed(discussion)
    if not proposal_open(discussion):
        raise DiscussionError(
            "Your proposal cannot be changed now: the discussion has been recorded or "
            "is no longer booked",
            "proposal",
        )
    discussion.proposal = _text(text, "Your proposal", "proposal", PROPOSAL_MAX)
    db.session.flush()
    audit.record(actor, "discussion.proposal", discussion)


# The SPO's record ------------------------------------------------------------------------------


def _check_record(discussion: Discussion, data: RecordInput, today: date) -> None:
    if data.held_on > today:
        raise DiscussionError("Date it took place must be today or in the past", "held_on")
    if data.held_on < booked_on(discussion):
        raise DiscussionError(
            "Date it took place must be on or after the day the discussion was booked",
            "held_on",
        )
    if data.reflective_model not in MODEL_LABELS:
        raise DiscussionError("Select the reflective model used", "reflective_model")
    for slug, level in data.ratings.items():
        if level is not None and level not in LEVELS:
            raise DiscussionError(f"A level must be 1, 2, 3 or 4 ({slug})")
    if not any(level for level in data.ratings.values()):
        raise DiscussionError("Rate at least one skill you discussed")
    if not data.decisions:
        raise DiscussionError("Enter at least one decision and its rationale")
    if len(data.decisions) > ROWS_MAX:
        raise DiscussionError(f"Enter no more than {ROWS_MAX} decisions")
    if len(data.actions) > ROWS_MAX:
        raise DiscussionError(f"Enter no more than {ROWS_MAX} actions")
    for action in data.actions:
        if action.owner not in OWNER_LABELS:
            raise DiscussionError("An action's owner must be the practitioner or the SPO")
        if not isinstance(action.due_on, date):
            raise DiscussionError("An action needs a due date")
        if action.due_on < data.held_on:
            raise DiscussionError("An action's due date must be on or after the discussion")


def record_discussion(
    actor: User, discussion: Discussion, data: RecordInput, *, today: date, now: datetime
) -> None:
    """Write (or rewrite) the SPO's record of the discussion; it becomes "recorded".

    Only the SPO holding it, from the day of its slot, until they sign it. Ratings,
    decisions and actions are replaced as a whole.
    """
    _require_spo(actor, discussion)
    _refuse_if_signed(discussion)
    if discussion.spo_signed_at is not None:
        raise DiscussionError("You have signed the record, so your part cannot be changed")
    if not recording_open(discussion, today):
        raise DiscussionError("This discussion cannot be recorded yet", "held_on")
    _check_record(discussion, data, today)
    texts = {
        "what_happened": _text(data.what_happened, "What happened", "what_happened", STRUCTURE_MAX),
        "so_what": _text(data.so_what, "So what", "so_what", STRUCTURE_MAX),
        "now_what": _text(data.now_what, "Now what", "now_what", STRUCTURE_MAX),
        "wellbeing_check": _text(
            data.wellbeing_check, "The wellbeing check", "wellbeing_check", WELLBEING_MAX
        ),
    }
    decisions = [
        (
            _text(d.decision, "A decision", None, DECISION_MAX),
            _text(d.rationale, "A rationale", None, DECISION_MAX),
        )
        for d in data.decisions
    ]
    actions = [
        (_text(a.text, "An action", None, ACTION_MAX), a.owner, a.due_on) for a in data.actions
    ]
    skills = {s.slug: s for s in _version().skills}
    unknown = sorted(slug for slug in data.ratings if slug not in skills)
    if unknown:
        raise DiscussionError(f"Unknown skill: {', '.join(unknown)}")

    discussion.held_on = data.held_on
    discussion.reflective_model = data.reflective_model
    for name, value in texts.items():
        setattr(discussion, name, value)
    # Replaced as a whole: old rows go first, so the unique (discussion, skill) never
    # sees two rows at once.
    discussion.ratings.clear()
    discussion.decisions.clear()
    discussion.actions.clear()
    db.session.flush()
    for slug, level in data.ratings.items():
        discussion.ratings.append(DiscussionRating(skill=skills[slug], level=level))
    for decision, rationale in decisions:
        discussion.decisions.append(DiscussionDecision(decision=decision, rationale=rationale))
    for text, owner, due_on in actions:
        discussion.actions.append(DiscussionAction(text=text, owner=owner, due_on=due_on))
    first_time = discussion.recorded_at is None
    discussion.status = DiscussionStatus.RECORDED.value
    discussion.recorded_at = now
    db.session.flush()
    audit.record(
        actor,
        "discussion.record" if first_time else "discussion.record_update",
        discussion,
        detail={"skills": sorted(data.ratings), "held_on": data.held_on.isoformat()},
    )


# The practitioner's reflection ---------------------------------------------------------------


def save_reflection(actor: User, discussion: Discussion, text: str) -> None:
    """Write or replace the practitioner's reflection on the record the SPO signed."""
    _require_practitioner(actor, discussion)
    _refuse_if_signed(discussion)
    if not reflection_open(discussion):
        raise DiscussionError(
            "You can add your reflection once your SPO has recorded and signed the discussion",
            "reflection",
        )
    discussion.practitioner_reflection = _text(
        text, "Your reflection", "reflection", REFLECTION_MAX
    )
    db.session.flush()
    audit.record(actor, "discussion.reflection", discussion)


# Signing off -------------------------------------------------------------------------------------


def _locked(discussion: Discussion) -> Discussion:
    """The discussion row, locked until the transaction ends and read afresh, so that a
    sign-off submitted twice at once is applied once (PostgreSQL; SQLite writes one at
    a time anyway)."""
    return db.session.execute(
        select(Discussion)
        .where(Discussion.id == discussion.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()


def sign_off(actor: User, discussion: Discussion, *, now: datetime) -> Observation | None:
    """The SPO or the practitioner signs the record; returns the observation it became
    when the practitioner's signature completes it (None after the SPO's).

    The SPO signs first (their part is frozen from then on); the practitioner signs
    after writing their reflection. Signing twice is refused, so the observation is
    made exactly once.
    """
    discussion = _locked(discussion)
    _refuse_if_signed(discussion)
    if actor.id == discussion.spo_id:
        if discussion.spo_signed_at is not None:
            raise DiscussionError("You have already signed this record")
        if not spo_may_sign(discussion):
            raise DiscussionError("Record the discussion before you sign it off")
        discussion.spo_signed_at = now
        db.session.flush()
        audit.record(actor, "discussion.sign_spo", discussion)
        return None
    _require_practitioner(actor, discussion)
    if discussion.spo_signed_at is None:
        raise DiscussionError("You can sign the record once your SPO has signed it")
    if not discussion.practitioner_reflection:
        raise DiscussionError("Add your reflection before you sign the record", "reflection")
    discussion.practitioner_signed_at = now
    discussion.status = DiscussionStatus.SIGNED.value
    observation, slugs = _observation_for(discussion, now)
    if discussion.case_event is not None and discussion.case_event.closed_on is None:
        discussion.case_event.closed_on = london_date(now)
    db.session.flush()
    audit.record(
        actor,
        "discussion.sign_practitioner",
        discussion,
        detail={"observation_id": observation.id, "skills": slugs},
    )
    evidence_changed.send(discussion.practitioner, skill_slugs=slugs)
    return observation


def trigger_for(discussion: Discussion) -> str:
    """What prompted the discussion, as the observation type's "trigger" option."""
    if discussion.reason == DueReason.CADENCE:
        return "cadence"
    return TRIGGERS.get(discussion.rule_code, "other")


def _observation_for(discussion: Discussion, now: datetime) -> tuple[Observation, list[str]]:
    """The acknowledged reflective-discussion observation that the signed record is."""
    version = _version()
    skills = {s.slug: s for s in version.skills}
    # Ratings keep the published version: skills carry across versions by slug.
    rated = [(r.skill.slug, r.level) for r in discussion.ratings if r.level is not None]
    rated = [(slug, level) for slug, level in rated if slug in skills]
    details = clean_details(
        REFLECTIVE_DISCUSSION,
        {
            "format": "one_to_one",
            "trigger": trigger_for(discussion),
            "model": discussion.reflective_model,
            "proposal": "yes" if discussion.proposal else "no",
            "wellbeing_check": "yes" if discussion.wellbeing_check else "no",
        },
    )
    missing = missing_details(REFLECTIVE_DISCUSSION, details)
    if missing:
        raise DiscussionError(missing[0].required_message)
    today = london_date(now)
    observation = Observation(
        practitioner=discussion.practitioner,
        observer=discussion.spo,
        observer_role=Role.SPO.value,
        type=ObservationType.REFLECTIVE_DISCUSSION.value,
        status=ObservationStatus.ACKNOWLEDGED.value,
        framework_version=version,
        observed_on=discussion.held_on,
        details=details,
        development_points=discussion.now_what,
        shared_at=now,
        acknowledged_at=now,
        closed_on=today,
        practitioner_reflection=discussion.practitioner_reflection,
    )
    for slug, level in rated:
        observation.ratings.append(ObservationRating(skill=skills[slug], level=level))
    for action in discussion.actions:
        if action.owner == ActionOwner.PRACTITIONER:
            observation.actions.append(ObservationAction(text=action.text, due_on=action.due_on))
    db.session.add(observation)
    db.session.flush()
    discussion.observation = observation
    return observation, [slug for slug, _level in rated]
