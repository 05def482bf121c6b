"""Words for the demo's reflective discussions: proposals, records, decisions and actions.

Each ``Story`` is one coherent oversight record (the practitioner's proposal, what happened,
so what, now what, decisions with their rationale and actions with their owners), written in
the plain language of probation practice. They describe practice, never a person on
probation: no names, dates, places or reference numbers (``tests/demo/test_reflective_seed.py``
runs every sentence through ``personal_data_problems``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Story:
    skills: tuple[str, ...]  # rated as well as the focus skills, when there is room
    proposal: str
    what_happened: str
    so_what: str
    now_what: str
    decisions: tuple[tuple[str, str], ...]  # (decision, rationale)
    actions: tuple[tuple[str, str, int], ...]  # (text, owner, due in days)


# Regular discussions, chosen by the practitioner's weakest skill among each story's first one.
CADENCE_STORIES: tuple[Story, ...] = (
    Story(
        skills=("safeguarding-enquiries", "reflective-practice"),
        proposal="I want to look at how I make and chase safeguarding enquiries. I propose to "
        "add the hub request to my allocation checklist and check my open cases for replies "
        "that have not been used.",
        what_happened="A regular discussion about safeguarding enquiries across the "
        "practitioner's caseload.",
        so_what="Enquiries are usually made, but replies are not always chased or used in the "
        "assessment. The practitioner saw that a missing reply leaves the analysis resting on "
        "the person's account.",
        now_what="Check open cases for outstanding replies, chase them and record how each "
        "reply changes the assessment.",
        decisions=(
            (
                "Check every open case for outstanding enquiries this month.",
                "A reply that is not used does not make anyone safer.",
            ),
        ),
        actions=(
            ("Check open cases for outstanding safeguarding replies", "practitioner", 14),
            ("Add the hub request to the allocation checklist", "practitioner", 7),
        ),
    ),
    Story(
        skills=("rosh-analysis", "defensible-decisions"),
        proposal="I would like to go through two of my assessments where I am not sure the "
        "analysis explains the level. I think one may be too low.",
        what_happened="A regular discussion of two recent risk of serious harm assessments.",
        so_what="The practitioner had identified the weaker assessment themselves. It "
        "described the offence but did not analyse past behaviour; once this was talked "
        "through, the practitioner could explain why the level should rise.",
        now_what="Review the weaker assessment and use the same structure on the next new case.",
        decisions=(
            (
                "Review the assessment and raise the level if the analysis supports it.",
                "The pattern of past behaviour points to a higher risk than recorded.",
            ),
        ),
        actions=(
            ("Review the assessment with the analysis of past behaviour", "practitioner", 7),
            ("Book the risk of serious harm analysis workshop", "practitioner", 30),
        ),
    ),
    Story(
        skills=("professional-curiosity", "challenging-conversations"),
        proposal="I think I accept accounts too readily on two of my cases. I propose to "
        "verify the employment and living arrangements with other sources before the next "
        "reviews.",
        what_happened="A regular discussion about verifying what people on probation say.",
        so_what="The practitioner named two cases where the account had not been checked and "
        "recognised professional optimism in their own recording.",
        now_what="Verify the accounts with other sources and plan how to raise any difference "
        "in the next appointment.",
        decisions=(
            (
                "Verify both accounts before the next review.",
                "The risk assessments depend on information that has not been checked.",
            ),
        ),
        actions=(
            ("Verify employment and living arrangements on both cases", "practitioner", 14),
            ("Bring one case to the disguised compliance case clinic", "practitioner", 30),
        ),
    ),
    Story(
        skills=("engagement-skills", "reflective-practice"),
        proposal="Sessions with two people keep drifting. I propose to agree an agenda at the "
        "start of each session and use the SEEDS2 structure.",
        what_happened="A regular discussion about structuring supervision sessions.",
        so_what="The relationships are good but sessions lack structure, so risk-related "
        "work gets squeezed out. The practitioner linked this to their own habit of starting "
        "with general catch-up.",
        now_what="Agree an agenda at the start of each session and review two sessions at the "
        "next discussion.",
        decisions=(
            (
                "Use an agreed agenda in every session for the next month.",
                "Structure makes room for the work on risk without losing the relationship.",
            ),
        ),
        actions=(("Use an agreed agenda in every session", "practitioner", 28),),
    ),
    Story(
        skills=("case-recording", "defensible-decisions"),
        proposal="My contact records are behind. I propose to bring them up to date this week "
        "and record the reasons for the two enforcement decisions I made last month.",
        what_happened="A regular discussion about recording and the evidence of decisions.",
        so_what="Records are complete but describe events rather than the reasons for "
        "decisions; a colleague picking up the case could not follow why a warning was given.",
        now_what="Bring the records up to date and add the rationale to the two enforcement "
        "decisions.",
        decisions=(
            (
                "Records brought up to date within a week.",
                "The case record is the evidence of the decisions made.",
            ),
        ),
        actions=(
            ("Bring contact records up to date", "practitioner", 7),
            ("Ask for a quality check of two case records", "spo", 21),
        ),
    ),
    Story(
        skills=("reflective-practice", "management-oversight"),
        proposal="I want to review my caseload as a whole: which cases I worry about and why, "
        "and where I need oversight.",
        what_happened="A regular caseload review, looking at the cases that cause most concern.",
        so_what="The practitioner identified the highest risk cases and the reasons for "
        "concern clearly, and asked for oversight on one where the plan is not working.",
        now_what="Review the plan on the case of most concern and bring it back to the next "
        "discussion.",
        decisions=(
            (
                "Review the plan on the case of most concern.",
                "The controls in the plan are not being kept to.",
            ),
        ),
        actions=(
            ("Review the plan on the case of most concern", "practitioner", 14),
            ("Look at the case together at the next discussion", "spo", 28),
        ),
    ),
)

WELLBEING = (
    "Talked about workload and how the case has affected them. They feel supported and know "
    "how to reach the employee assistance programme.",
    "Feeling stretched by the number of reviews due this month; agreed to look at "
    "priorities together.",
    "Doing well; enjoying the new cases and would like more complex work.",
    "Found the incident upsetting. Agreed a follow-up in a week and reminded them of the "
    "support available.",
    "Tired after covering duty; agreed to protect time for case recording.",
    "Settled in the team and confident about the plan for the case.",
)

REFLECTIONS = (
    "Bringing my own proposal first helped me see that my analysis held up. Next time I will "
    "make the enquiries before the discussion, not after.",
    "I had been treating the incidents one at a time. Looking at them together changed my "
    "view of the risk.",
    "I found it useful to say why I had reached my view out loud. I am going to use the same "
    "structure in my recording.",
    "I realised I had accepted the account too quickly. I will verify with other agencies "
    "before the next review.",
    "The discussion helped me prioritise. I feel more confident about managing the workload.",
    "I agree with the actions. I want to practise the challenging conversation before the "
    "next appointment.",
)

CANCEL_REASONS = (
    "The practitioner was called to court for the day.",
    "The SPO was covering the duty rota.",
    "The practitioner was off sick.",
    "Rearranged: a MAPPA meeting was moved to the same time.",
)

MODELS = ("gibbs", "kolb", "schon", "driscoll")
