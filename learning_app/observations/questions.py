"""The inspectorate's yes / no / not applicable questions (DESIGN.md 5.2), as data.

Case record audits and court report quality checks ask them. Each question maps to
the skill its answer is evidence of (a "no" counts as level 1 and a "yes" as level 3
in the profile; "not applicable" is left out). ``keeping_safe`` marks the questions
about keeping other people safe: a "no" on one of them is a trigger for a reflective
discussion (DOMAIN.md (d), rule 6) and they are tracked against the inspection
baselines.

Keys are stored in ``AuditAnswer.question_key``: never rename one.
"""

from __future__ import annotations

from dataclasses import dataclass

from learning_app.observations.models import ObservationType


@dataclass(frozen=True)
class AuditQuestion:
    key: str
    text: str
    skill_slug: str
    keeping_safe: bool = False
    hint: str | None = None

    @property
    def field_name(self) -> str:
        return f"answer-{self.key.replace('_', '-')}"


ANSWERS = (("yes", "Yes"), ("no", "No"), ("na", "Not applicable"))
ANSWER_LABELS = dict(ANSWERS)

CASE_AUDIT_QUESTIONS: tuple[AuditQuestion, ...] = (
    AuditQuestion(
        "da_enquiries",
        "Were domestic abuse enquiries made with the police where required?",
        "safeguarding-enquiries",
        keeping_safe=True,
    ),
    AuditQuestion(
        "child_safeguarding_enquiries",
        "Were child safeguarding enquiries made with children's services where required?",
        "safeguarding-enquiries",
        keeping_safe=True,
    ),
    AuditQuestion(
        "safeguarding_hub",
        "Was the safeguarding hub used where relevant?",
        "safeguarding-enquiries",
        keeping_safe=True,
    ),
    AuditQuestion(
        "assessment_keeping_safe",
        "Does the assessment focus sufficiently on keeping other people safe?",
        "rosh-analysis",
        keeping_safe=True,
    ),
    AuditQuestion(
        "assessment_engaging",
        "Does the assessment focus sufficiently on engaging the person on probation?",
        "engagement-skills",
    ),
    AuditQuestion(
        "assessment_desistance",
        "Does the assessment focus sufficiently on desistance?",
        "interventions-desistance",
    ),
    AuditQuestion(
        "planning_keeping_safe",
        "Does planning focus sufficiently on keeping other people safe?",
        "risk-planning",
        keeping_safe=True,
    ),
    AuditQuestion(
        "reviewing_risk",
        "Does reviewing identify and respond to changes in risk of harm?",
        "collaborative-review",
        keeping_safe=True,
    ),
    AuditQuestion(
        "contingency_sufficient",
        "Were contingency arrangements sufficient?",
        "risk-planning",
        keeping_safe=True,
    ),
    AuditQuestion(
        "oversight_sufficient",
        "Was management oversight sufficient?",
        "management-oversight",
    ),
)

COURT_REPORT_QUESTIONS: tuple[AuditQuestion, ...] = (
    AuditQuestion(
        "court_da_enquiries",
        "Were domestic abuse enquiries made with the police before sentence?",
        "safeguarding-enquiries",
        keeping_safe=True,
    ),
    AuditQuestion(
        "court_child_safeguarding_enquiries",
        "Were child safeguarding enquiries made with children's services before sentence?",
        "safeguarding-enquiries",
        keeping_safe=True,
    ),
    AuditQuestion(
        "court_analysis_sufficient",
        "Was the analysis of the offence and of risk of serious harm sufficient?",
        "rosh-analysis",
        keeping_safe=True,
    ),
    AuditQuestion(
        "court_proposal_proportionate",
        "Was the proposal proportionate?",
        "court-reports",
    ),
    AuditQuestion(
        "court_interventions_considered",
        "Were suitable interventions considered?",
        "interventions-desistance",
    ),
    AuditQuestion(
        "court_report_sufficient",
        "Was the report sufficiently analytical and personalised to support the court's "
        "decision-making?",
        "court-reports",
        hint="The inspectorate's court question.",
    ),
)

QUESTIONS_BY_TYPE: dict[ObservationType, tuple[AuditQuestion, ...]] = {
    ObservationType.CASE_AUDIT: CASE_AUDIT_QUESTIONS,
    ObservationType.COURT_REPORT_QA: COURT_REPORT_QUESTIONS,
}

QUESTIONS: dict[str, AuditQuestion] = {
    q.key: q for q in CASE_AUDIT_QUESTIONS + COURT_REPORT_QUESTIONS
}


def questions_for(observation_type: ObservationType | str) -> tuple[AuditQuestion, ...]:
    return QUESTIONS_BY_TYPE.get(ObservationType(observation_type), ())


def keeping_safe_keys() -> frozenset[str]:
    return frozenset(q.key for q in QUESTIONS.values() if q.keeping_safe)
