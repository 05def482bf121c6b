"""Each observation type's own fields (DOMAIN.md (c)), as data.

The recording form is built from these specs and the detail page renders them, so a
type's fields are described once. Values are stored in ``Observation.details`` under
each field's key. No field asks for anything about the person on probation beyond
the facts a quality check needs (no names, offences or narrative).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from learning_app.observations.models import ObservationType


class FieldKind(StrEnum):
    RADIOS = "radios"
    CHECKBOXES = "checkboxes"
    TEXT = "text"
    NUMBER = "number"


@dataclass(frozen=True)
class DetailField:
    """One of a type's own questions.

    ``required_message`` makes the question required before the observation is
    shared (a draft may leave it blank). ``low``/``high`` bound a number.
    """

    key: str
    label: str
    kind: FieldKind
    options: tuple[tuple[str, str], ...] = ()
    hint: str | None = None
    required_message: str | None = None
    max_length: int = 500
    low: int = 0
    high: int = 365

    @property
    def field_name(self) -> str:
        return f"detail-{self.key.replace('_', '-')}"

    def option_label(self, value: str) -> str:
        return dict(self.options).get(value, value)

    def display(self, value: Any) -> str:
        """The stored value in words, for the detail page."""
        if value is None or value == "" or value == []:
            return "Not recorded"
        if self.kind is FieldKind.CHECKBOXES:
            return ", ".join(self.option_label(v) for v in value)
        if self.kind is FieldKind.RADIOS:
            return self.option_label(value)
        if self.kind is FieldKind.NUMBER:
            return f"{value}"
        return str(value)


@dataclass(frozen=True)
class TypeSpec:
    """An observation type: what it typically evidences, its skills and its own fields."""

    type: ObservationType
    hint: str
    typical_skills: tuple[str, ...]
    fields: tuple[DetailField, ...]

    @property
    def slug(self) -> str:
        """The type as it appears in URLs."""
        return self.type.value.replace("_", "-")

    @property
    def label(self) -> str:
        return self.type.label

    def field(self, key: str) -> DetailField | None:
        return next((f for f in self.fields if f.key == key), None)


YES_NO = (("yes", "Yes"), ("no", "No"))
ROSH_BANDS = (
    ("low", "Low"),
    ("medium", "Medium"),
    ("high", "High"),
    ("very_high", "Very high"),
)


SUPERVISION = TypeSpec(
    type=ObservationType.SUPERVISION,
    hint="Engagement, professional curiosity, challenging conversations, review and "
    "defensible decisions.",
    typical_skills=(
        "engagement-skills",
        "professional-curiosity",
        "challenging-conversations",
        "collaborative-review",
        "defensible-decisions",
    ),
    fields=(
        DetailField(
            "setting",
            "Where did the session take place?",
            FieldKind.RADIOS,
            (("office", "Office"), ("home", "Home visit"), ("video", "Video call")),
            required_message="Select where the session took place",
        ),
        DetailField(
            "purpose",
            "What was the purpose of the session?",
            FieldKind.RADIOS,
            (
                ("induction", "Induction"),
                ("routine", "Routine supervision"),
                ("review", "Review"),
                ("enforcement", "Enforcement"),
            ),
            required_message="Select the purpose of the session",
        ),
        DetailField(
            "rosh_band",
            "Risk of serious harm level of the case",
            FieldKind.RADIOS,
            ROSH_BANDS,
            required_message="Select the risk of serious harm level",
        ),
        DetailField(
            "consent",
            "Did the person on probation agree to the session being observed?",
            FieldKind.RADIOS,
            YES_NO,
            required_message="Select yes if the person agreed to the observation",
        ),
        DetailField(
            "seeds2",
            "Which SEEDS2 skills did you see?",
            FieldKind.CHECKBOXES,
            (
                ("relationship", "Building the relationship"),
                ("structuring", "Structuring the session"),
                ("prosocial_modelling", "Pro-social modelling"),
                ("procedural_justice", "Procedural justice"),
            ),
            hint="Select all that apply.",
        ),
    ),
)

CASE_AUDIT = TypeSpec(
    type=ObservationType.CASE_AUDIT,
    hint="Risk analysis, safeguarding enquiries, victim focus, planning, multi-agency "
    "working, recording and oversight. Includes thematic safeguarding audits.",
    typical_skills=(
        "rosh-analysis",
        "safeguarding-enquiries",
        "victim-focus",
        "risk-planning",
        "multi-agency-working",
        "interventions-desistance",
        "case-recording",
        "diversity-responsive",
        "management-oversight",
    ),
    fields=(
        DetailField(
            "audit_kind",
            "What kind of audit is this?",
            FieldKind.RADIOS,
            (("routine", "Routine quality check"), ("thematic", "Thematic safeguarding audit")),
            required_message="Select what kind of audit this is",
        ),
        DetailField(
            "holder_grade",
            "Grade of the case holder",
            FieldKind.RADIOS,
            (("PSO", "PSO"), ("PQIP", "PQiP"), ("PO", "PO")),
            required_message="Select the grade of the case holder",
        ),
        DetailField(
            "rosh_band",
            "Risk of serious harm level of the case",
            FieldKind.RADIOS,
            ROSH_BANDS,
            required_message="Select the risk of serious harm level",
        ),
        DetailField(
            "mappa",
            "MAPPA",
            FieldKind.RADIOS,
            (
                ("none", "Not a MAPPA case"),
                ("level_1", "Level 1"),
                ("level_2", "Level 2"),
                ("level_3", "Level 3"),
            ),
            required_message="Select the MAPPA level, or not a MAPPA case",
        ),
        DetailField(
            "overall",
            "Overall judgement",
            FieldKind.RADIOS,
            (("sufficient", "Sufficient"), ("insufficient", "Insufficient")),
            required_message="Select the overall judgement",
        ),
    ),
)

RISK_REVIEW = TypeSpec(
    type=ObservationType.RISK_REVIEW,
    hint="Risk analysis, victim focus, safeguarding enquiries and risk planning. "
    "The check that replaces countersigning.",
    typical_skills=(
        "rosh-analysis",
        "victim-focus",
        "safeguarding-enquiries",
        "risk-planning",
    ),
    fields=(
        DetailField(
            "assessment_type",
            "Type of assessment",
            FieldKind.RADIOS,
            (
                ("full", "Full risk of serious harm assessment"),
                ("screening", "Risk of serious harm screening"),
                ("review", "Review of an existing assessment"),
            ),
            required_message="Select the type of assessment",
        ),
        DetailField(
            "rosh_given",
            "Risk of serious harm level given by the practitioner",
            FieldKind.RADIOS,
            ROSH_BANDS,
            required_message="Select the level the practitioner gave",
        ),
        DetailField(
            "rosh_reviewer",
            "Your view of the risk of serious harm level",
            FieldKind.RADIOS,
            ROSH_BANDS,
            required_message="Select your view of the level",
        ),
        DetailField(
            "sources",
            "Which sources did the assessment use?",
            FieldKind.CHECKBOXES,
            (
                ("police", "Police domestic abuse information"),
                ("childrens_services", "Children's services"),
                ("previous_convictions", "Previous convictions"),
                ("previous_assessments", "Previous assessments"),
                ("other_agencies", "Other agencies"),
            ),
            hint="Select all that apply.",
        ),
        DetailField(
            "changes_needed",
            "What changes does the assessment need?",
            FieldKind.RADIOS,
            (("none", "None"), ("minor", "Minor changes"), ("significant", "Significant changes")),
            required_message="Select what changes the assessment needs",
        ),
        DetailField(
            "turnaround_days",
            "Turnaround in working days",
            FieldKind.NUMBER,
            hint="From the assessment being submitted to this review.",
            low=0,
            high=365,
        ),
    ),
)

REFLECTIVE_DISCUSSION = TypeSpec(
    type=ObservationType.REFLECTIVE_DISCUSSION,
    hint="Reflective practice, defensible decisions, professional curiosity and "
    "challenging conversations.",
    typical_skills=(
        "reflective-practice",
        "defensible-decisions",
        "professional-curiosity",
        "challenging-conversations",
    ),
    fields=(
        DetailField(
            "format",
            "Format",
            FieldKind.RADIOS,
            (("one_to_one", "One to one"), ("peer", "Peer"), ("group", "Group")),
            required_message="Select the format of the discussion",
        ),
        DetailField(
            "trigger",
            "What prompted the discussion?",
            FieldKind.RADIOS,
            (
                ("cadence", "Regular discussion"),
                ("rosh_raised", "Risk raised to high or very high"),
                ("new_case_type", "First assessment of a new case type"),
                ("enquiry_outstanding", "Enquiry not returned, or new police or CSC information"),
                ("mappa", "MAPPA case or referral"),
                ("serious_incident", "Serious incident, recall or enforcement decision"),
                ("qa_finding", "A quality check finding"),
                ("feedback", "Feedback from people on probation"),
                ("absence_workload", "Return from absence or high workload"),
                ("other", "Something else"),
            ),
            required_message="Select what prompted the discussion",
        ),
        DetailField(
            "model",
            "Reflective model used",
            FieldKind.RADIOS,
            (
                ("gibbs", "Gibbs"),
                ("kolb", "Kolb"),
                ("schon", "Schön"),
                ("driscoll", "Driscoll"),
                ("none", "No particular model"),
            ),
            required_message="Select the reflective model used",
        ),
        DetailField(
            "proposal",
            "Did the practitioner bring their own proposal?",
            FieldKind.RADIOS,
            YES_NO,
            hint="A decision and rationale formed before the discussion.",
            required_message="Select yes if the practitioner brought their own proposal",
        ),
        DetailField(
            "wellbeing_check",
            "Did you check on their wellbeing?",
            FieldKind.RADIOS,
            YES_NO,
            required_message="Select yes if you checked on their wellbeing",
        ),
        DetailField(
            "learning_point",
            "Learning point",
            FieldKind.TEXT,
            hint="One sentence about the practice, not the person on probation.",
        ),
    ),
)

COURT_REPORT_QA = TypeSpec(
    type=ObservationType.COURT_REPORT_QA,
    hint="Court reports, safeguarding enquiries and risk analysis.",
    typical_skills=("court-reports", "safeguarding-enquiries", "rosh-analysis"),
    fields=(
        DetailField(
            "report_type",
            "Type of report",
            FieldKind.RADIOS,
            (("oral", "Oral"), ("short", "Short format"), ("standard", "Standard")),
            required_message="Select the type of report",
        ),
    ),
)

MULTI_AGENCY = TypeSpec(
    type=ObservationType.MULTI_AGENCY,
    hint="Multi-agency working, challenging conversations and victim focus: MAPPA, "
    "MARAC and child protection meetings.",
    typical_skills=("multi-agency-working", "challenging-conversations", "victim-focus"),
    fields=(
        DetailField(
            "meeting_type",
            "Type of meeting",
            FieldKind.RADIOS,
            (
                ("mappa", "MAPPA"),
                ("marac", "MARAC"),
                ("child_protection", "Child protection conference"),
                ("core_group", "Core group"),
                ("strategy", "Strategy meeting"),
                ("other", "Other"),
            ),
            required_message="Select the type of meeting",
        ),
        DetailField(
            "level",
            "MAPPA level",
            FieldKind.RADIOS,
            (
                ("na", "Not a MAPPA meeting"),
                ("level_1", "Level 1"),
                ("level_2", "Level 2"),
                ("level_3", "Level 3"),
            ),
            required_message="Select the MAPPA level, or not a MAPPA meeting",
        ),
        DetailField(
            "preparation",
            "How well prepared was the practitioner?",
            FieldKind.RADIOS,
            (("well", "Well prepared"), ("partly", "Partly prepared"), ("not", "Not prepared")),
            required_message="Select how well prepared the practitioner was",
        ),
        DetailField(
            "information_shared",
            "How did they share information?",
            FieldKind.RADIOS,
            (
                ("proactive", "Shared it without being asked"),
                ("when_asked", "Shared it when asked"),
                ("not_shared", "Did not share relevant information"),
            ),
            required_message="Select how they shared information",
        ),
        DetailField(
            "actions_owned",
            "Did they take ownership of probation's actions?",
            FieldKind.RADIOS,
            (("yes", "Yes"), ("partly", "Partly"), ("no", "No")),
            required_message="Select whether they took ownership of the actions",
        ),
    ),
)

TYPE_SPECS: dict[ObservationType, TypeSpec] = {
    spec.type: spec
    for spec in (
        SUPERVISION,
        CASE_AUDIT,
        RISK_REVIEW,
        REFLECTIVE_DISCUSSION,
        COURT_REPORT_QA,
        MULTI_AGENCY,
    )
}
SPECS_BY_SLUG: dict[str, TypeSpec] = {spec.slug: spec for spec in TYPE_SPECS.values()}


def spec_for(observation_type: ObservationType | str) -> TypeSpec:
    return TYPE_SPECS[ObservationType(observation_type)]


def spec_for_slug(slug: str) -> TypeSpec | None:
    """The type named in a URL, or None for a name no type has."""
    return SPECS_BY_SLUG.get(slug)


def missing_details(spec: TypeSpec, details: dict[str, Any]) -> list[DetailField]:
    """The required fields of a type that ``details`` leaves blank."""
    return [f for f in spec.fields if f.required_message and details.get(f.key) in (None, "")]


def clean_details(spec: TypeSpec, details: dict[str, Any]) -> dict[str, Any]:
    """Keep only the type's own keys and values its options allow.

    The form has already validated the values; this is the service's guard, so a
    caller cannot store keys the detail page would not know how to show.
    """
    cleaned: dict[str, Any] = {}
    for f in spec.fields:
        value = details.get(f.key)
        allowed = {v for v, _label in f.options}
        if f.kind is FieldKind.RADIOS:
            if value in allowed:
                cleaned[f.key] = value
        elif f.kind is FieldKind.CHECKBOXES:
            chosen = [v for v in (value or []) if v in allowed]
            if chosen:
                cleaned[f.key] = chosen
        elif f.kind is FieldKind.NUMBER:
            if isinstance(value, int) and not isinstance(value, bool) and f.low <= value <= f.high:
                cleaned[f.key] = value
        elif isinstance(value, str) and value.strip():
            cleaned[f.key] = value.strip()[: f.max_length]
    return cleaned
