"""Words for the demo evidence: what observers write, and what practitioners reply.

Every sentence describes practice, never a person on probation: no names, dates,
postcodes or reference numbers (``tests/demo/test_evidence.py`` runs them all through
``personal_data_problems``). Keyed by skill slug; a skill with no entry gets the
general sentences.
"""

from __future__ import annotations

STRENGTHS: dict[str, tuple[str, ...]] = {
    "rosh-analysis": (
        "The risk of serious harm analysis explains what harm could happen, to whom and how "
        "soon, drawing on police information and previous assessments, not the offence alone.",
        "The risk level follows clearly from the analysis, and patterns in past behaviour are "
        "named and weighed.",
    ),
    "safeguarding-enquiries": (
        "Domestic abuse and child safeguarding enquiries were requested through the "
        "safeguarding hub at allocation, chased when late and used in the assessment.",
        "The replies from the police and children's services are recorded and their effect "
        "on the risk assessment is explained.",
    ),
    "professional-curiosity": (
        "Checked the account given in the session against other sources and asked "
        "follow-up questions about who else lives at the address.",
        "Noticed a change in the story about employment and verified it before accepting it.",
    ),
    "victim-focus": (
        "Identified the risks to a former partner and to children in the household, and "
        "linked each one to a control in the plan.",
        "Victim safety is considered throughout, including contact with the victim liaison "
        "officer.",
    ),
    "diversity-responsive": (
        "Considered how culture and faith affect engagement and adapted appointment times to fit.",
        "Asked about communication needs and arranged an interpreter for key appointments.",
    ),
    "risk-planning": (
        "The plan has contingency arrangements tied to the identified risk factors, with "
        "clear owners.",
        "Restrictive and constructive measures are balanced and reviewed at the right points.",
    ),
    "multi-agency-working": (
        "Shared information with the police and children's social care promptly and recorded "
        "what was agreed.",
        "Well prepared for the meeting: a concise update on risk and a clear view on actions.",
    ),
    "interventions-desistance": (
        "Referrals to structured interventions were timely and sequenced around work.",
        "The plan builds on strengths and protective factors, such as family support and training.",
    ),
    "court-reports": (
        "The report analyses the offending and offers a proportionate proposal, with the "
        "safeguarding checks completed before sentence.",
        "Clear, concise analysis of the factors linked to offending and of what would reduce them.",
    ),
    "engagement-skills": (
        "A warm, purposeful session with a clear structure: the agenda was agreed at the start "
        "and summarised at the end.",
        "Good use of open questions and reflective listening; the person was involved in "
        "setting the next steps.",
    ),
    "challenging-conversations": (
        "Challenged minimisation calmly and kept the relationship; the outcome was recorded.",
        "Raised the missed appointments directly and explained the consequences fairly.",
    ),
    "collaborative-review": (
        "Reviewed progress with the person and updated the risk assessment after the change "
        "in circumstances.",
        "The review draws on the views of other agencies as well as the person's own account.",
    ),
    "defensible-decisions": (
        "Brought a reasoned proposal to supervision and recorded the rationale before consulting.",
        "The decision and the reasons for it are recorded clearly enough for a colleague to "
        "follow.",
    ),
    "reflective-practice": (
        "Reflected openly on what went well and what to do differently, using the Gibbs cycle.",
        "Linked the learning from a recent case review to changes in own practice.",
    ),
    "case-recording": (
        "Contact records are timely and analytical, and show why decisions were taken.",
        "Records are concise and evidence the enquiries made and their results.",
    ),
    "management-oversight": (
        "Sought management oversight at the right points and recorded what was agreed.",
    ),
}

DEVELOPMENT: dict[str, tuple[str, ...]] = {
    "rosh-analysis": (
        "The risk of serious harm section describes the offence but does not analyse "
        "patterns in past behaviour; explain why the risk level was chosen.",
        "Information from the police was not drawn into the analysis of who is at risk.",
    ),
    "safeguarding-enquiries": (
        "No domestic abuse enquiry with the police was made at the start of the order; "
        "request it through the safeguarding hub and record the result.",
        "Children's services were not contacted although children live in the household; "
        "make the enquiry and chase it if there is no reply within ten working days.",
        "The enquiry was requested but the reply was not chased or used in the assessment.",
    ),
    "professional-curiosity": (
        "The account of living arrangements was accepted at face value; verify it with "
        "other sources.",
        "New information from the police was noted but the risk assessment was not revisited.",
    ),
    "victim-focus": (
        "Potential victims are named but the risks to them are not analysed.",
        "Consider children in the household as victims of domestic abuse in their own right.",
    ),
    "diversity-responsive": (
        "Protected characteristics are recorded but their effect on engagement is not considered.",
    ),
    "risk-planning": (
        "The plan lacks contingency arrangements for the risk factors identified.",
        "Actions in the plan are generic; tie them to the risks in the assessment.",
    ),
    "multi-agency-working": (
        "Information held by other agencies was not sought before the plan was written.",
        "Prepare a written update before the meeting so the risk picture is clear.",
    ),
    "interventions-desistance": (
        "Referrals were made but not sequenced; consider what needs to come first.",
    ),
    "court-reports": (
        "The report is descriptive; analyse the factors linked to offending.",
        "Domestic abuse checks were not completed before sentence.",
    ),
    "engagement-skills": (
        "The session covered the required checks but had little structure; agree an agenda "
        "at the start.",
    ),
    "challenging-conversations": (
        "Minimisation of the offence was not challenged; plan how to raise it next time.",
        "The missed appointments were mentioned but the conversation moved on without an outcome.",
    ),
    "collaborative-review": (
        "The review was completed late and did not involve the person or other agencies.",
    ),
    "defensible-decisions": (
        "Came to supervision with options but no view; form a proposal first.",
        "The rationale for the enforcement decision is not recorded.",
    ),
    "reflective-practice": ("The reflection describes events but not what was learned from them.",),
    "case-recording": (
        "Contact records are complete but descriptive; record the analysis and decisions.",
        "Several contacts were recorded more than a week late.",
    ),
    "management-oversight": ("Oversight was not sought when the risk level changed.",),
}

# The development point of an audit that found a safeguarding enquiry missing.
ENQUIRY_MISSING = {
    "da_enquiries": "No domestic abuse enquiry with the police was made at the start of the "
    "order; request it through the safeguarding hub and record the result.",
    "child_safeguarding_enquiries": "Children's services were not contacted although children "
    "live in the household; make the enquiry and chase it if there is no reply within ten "
    "working days.",
}

GENERAL_STRENGTH = "Practice meets the expected standard for this area of work."
GENERAL_DEVELOPMENT = "Keep building confidence on more complex cases."

ACTIONS: dict[str, tuple[str, ...]] = {
    "rosh-analysis": (
        "Attend the risk of serious harm analysis workshop",
        "Co-work a high risk of serious harm case with an experienced colleague",
    ),
    "safeguarding-enquiries": (
        "Request the outstanding police domestic abuse information and record the outcome",
        "Complete the domestic abuse and safeguarding briefing e-learning",
        "Add the safeguarding hub request to the allocation checklist for new cases",
    ),
    "professional-curiosity": (
        "Attend the professional curiosity in practice session",
        "Bring a case to the disguised compliance case clinic",
    ),
    "victim-focus": ("Complete the children as victims of domestic abuse e-learning",),
    "risk-planning": ("Update the risk management plan with contingency arrangements",),
    "multi-agency-working": ("Shadow a MAPPA level 2 meeting",),
    "court-reports": ("Attend the analytical pre-sentence reports course",),
    "challenging-conversations": ("Attend the challenging conversations skills lab",),
    "case-recording": ("Bring contact recording up to date and ask for a QA check",),
    "defensible-decisions": ("Bring a written proposal to the next supervision",),
    "reflective-practice": ("Book a reflective discussion using a structured model",),
}
GENERAL_ACTION = "Discuss progress at the next supervision"

REFLECTIONS = (
    "I agree the enquiries should have been made at the start. I now add the hub request to "
    "my first appointment checklist.",
    "Useful feedback. I am going to use the same session structure with the rest of my caseload.",
    "I found it hard to challenge in that session and would like to practise this in the "
    "skills lab.",
    "Talking this through helped me see where I had accepted things at face value.",
    "I have since updated the plan with contingency arrangements and asked for oversight.",
)

# A practitioner's reasons for disagreeing with a rating, by skill.
REPLIES: dict[str, tuple[str, ...]] = {
    "safeguarding-enquiries": (
        "The police information was requested but arrived after the audit; it is recorded "
        "in a later contact.",
        "I made the request through the hub at allocation; the reply is saved under a "
        "different contact type.",
    ),
    "victim-focus": (
        "I did consider the risks to the children; the analysis is in the review section, "
        "not the assessment.",
    ),
    "rosh-analysis": (
        "The analysis of past behaviour is in the previous assessment, which I linked to.",
    ),
}
GENERAL_REPLIES = (
    "The session was cut short by a fire alarm, so I did not get to this part.",
    "I raised this with my SPO at the time and we agreed to wait for the meeting outcome.",
)

AMENDMENT_REASONS = (
    "Rating corrected: the reply from the safeguarding hub was on file but recorded under a "
    "different contact type.",
    "Level entered in error; the assessment met the standard.",
    "Corrected after discussion with the practitioner: the analysis was in the review.",
)

SELF_COMMENTS = {
    "rosh-analysis": "I feel confident about assessing risk on my cases.",
    "safeguarding-enquiries": "I always make the checks I need to.",
    "professional-curiosity": "I ask a lot of questions in sessions.",
    "engagement-skills": "Not sure I structure sessions well enough.",
    "challenging-conversations": "I find this hard, especially with people who get angry.",
    "court-reports": "I would like more practice with standard delivery reports.",
    "multi-agency-working": "I have not been to many MAPPA meetings yet.",
}

FEEDBACK_COMMENTS = (
    "My officer listens and explains things clearly.",
    "I would like appointments at a different time because of work.",
    "It was hard to talk because the room was busy.",
    "They helped me find a course.",
    "I did not feel my views about my plan were listened to.",
)

CAMPAIGN_REASON = "After a serious further offence review"

LEARNING_POINTS = (
    "Form a view and a rationale before consulting, then test it in supervision.",
    "Check what other agencies know before accepting an account at face value.",
    "Name the risks to children in the household as well as to the adult victim.",
    "Record why a decision was taken, not only what was decided.",
)
