"""The demo's oversight records of discussions that answered a case event, by rule code.

One or more ``Story`` for each case event type in ``reflective/data/rules.yaml``; a type an
admin adds later gets a regular discussion's story. Like ``reflective_text``, they describe
practice, never a person on probation.
"""

from __future__ import annotations

from learning_app.demo.reflective_text import Story

EVENT_STORIES: dict[str, tuple[Story, ...]] = {
    "rosh-high": (
        Story(
            skills=("defensible-decisions",),
            proposal="I have raised the risk of serious harm to high because of new police "
            "call-out information about incidents at the home address. I propose to increase "
            "reporting to weekly, make a children's services enquiry today and add a "
            "contingency for a further call-out.",
            what_happened="The practitioner reviewed the assessment after police information "
            "about two call-outs to the home and raised the risk to a known adult and to the "
            "children in the household to high.",
            so_what="The analysis names who is at risk, how and how soon, and links the "
            "increase to the pattern of call-outs rather than a single incident. The children's "
            "services enquiry had not yet been made; without it the risk to the children rests "
            "on the person's own account.",
            now_what="Make the children's services enquiry through the safeguarding hub, "
            "increase reporting to weekly and review the risk management plan within two weeks.",
            decisions=(
                (
                    "Agree the risk of serious harm level of high.",
                    "The police information shows a pattern of incidents at the home, and the "
                    "analysis explains why the harm could be imminent.",
                ),
                (
                    "Reporting to increase to weekly for the next eight weeks.",
                    "Closer contact gives more chances to check the account given against the "
                    "police and children's services information.",
                ),
            ),
            actions=(
                ("Make the children's services enquiry and record the reply", "practitioner", 3),
                ("Add contingency arrangements to the risk management plan", "practitioner", 7),
                ("Check the enquiry has been returned and used", "spo", 14),
            ),
        ),
        Story(
            skills=("professional-curiosity",),
            proposal="The risk has gone up to high after the person disclosed a new "
            "relationship and missed two appointments. I want to keep the case, verify the "
            "relationship with the police and agree a home visit with a colleague.",
            what_happened="A screening completed after two missed appointments and the "
            "disclosure of a new relationship led the practitioner to raise the risk of serious "
            "harm to high.",
            so_what="The practitioner questioned the account rather than accepting it and "
            "identified the new partner as a potential victim. The domestic abuse enquiry is "
            "needed before the level can be fully justified.",
            now_what="Request police domestic abuse information on the new partner's address, "
            "complete a joint home visit and update the plan with the controls agreed.",
            decisions=(
                (
                    "The case stays with the practitioner, with a joint home visit.",
                    "The practitioner knows the case well and has analysed the change; a joint "
                    "visit adds a second view of the home situation.",
                ),
            ),
            actions=(
                ("Request police domestic abuse information", "practitioner", 2),
                ("Arrange a joint home visit with a colleague", "practitioner", 10),
                ("Review the updated plan once the enquiry is back", "spo", 14),
            ),
        ),
        Story(
            skills=("victim-focus",),
            proposal="I have assessed the risk as very high to a former partner after the "
            "breach of a restraining order. I propose to request a recall review, inform the "
            "victim liaison officer and share the change with the police today.",
            what_happened="After a breach of a restraining order was reported, the practitioner "
            "completed a full review and assessed the risk to the former partner as very high.",
            so_what="The proposal was clear and acted on the most serious risk first. The "
            "analysis of the risk to the former partner was specific; the plan needed a "
            "contingency for the person not reporting.",
            now_what="Share the assessment with the police and the victim liaison officer "
            "today, prepare the recall review and agree what happens if the person does not "
            "report.",
            decisions=(
                (
                    "Proceed with a recall review.",
                    "The breach is directly linked to the risk to the former partner and the "
                    "current controls have not held.",
                ),
            ),
            actions=(
                ("Share the updated assessment with the police", "practitioner", 1),
                ("Inform the victim liaison officer of the change", "practitioner", 1),
                ("Review the recall report before it goes", "spo", 2),
            ),
        ),
    ),
    "first-in-case-type": (
        Story(
            skills=("defensible-decisions",),
            proposal="This is my first domestic abuse perpetrator case. I have completed the "
            "assessment at medium and would like to check my analysis of the risk to the "
            "current partner before I finalise the plan.",
            what_happened="The practitioner brought their first assessment of a domestic abuse "
            "perpetrator case for discussion before finalising it.",
            so_what="The assessment drew on the police information but treated the incidents "
            "separately; read together they show escalation. Once this was discussed, the "
            "practitioner revised the analysis of imminence.",
            now_what="Revise the analysis to show the pattern, check the children's services "
            "enquiry and consider a referral to the domestic abuse programme.",
            decisions=(
                (
                    "The practitioner finalises the assessment with the revised analysis.",
                    "The level stays at medium, but the pattern must be named so that the plan "
                    "responds to it.",
                ),
            ),
            actions=(
                ("Revise the analysis of the pattern of incidents", "practitioner", 5),
                ("Consider a referral to the domestic abuse programme", "practitioner", 14),
            ),
        ),
        Story(
            skills=("multi-agency-working",),
            proposal="My first case with a sexual offence conviction. I propose to follow the "
            "registration requirements, contact the police offender manager this week and "
            "book a joint visit.",
            what_happened="The practitioner discussed their first assessment of a case with "
            "sexual offence registration requirements.",
            so_what="The practitioner had identified the right agencies and the registration "
            "requirements. They were less sure how to analyse the risk to children; talking it "
            "through helped them link the analysis to the conditions.",
            now_what="Contact the police offender manager, agree a joint visit and complete "
            "the specialist training module.",
            decisions=(
                (
                    "Joint management with the police offender manager.",
                    "Registration cases need shared information and joint visits to manage "
                    "the risk well.",
                ),
            ),
            actions=(
                ("Contact the police offender manager and agree a joint visit", "practitioner", 5),
                ("Book the specialist training module", "practitioner", 30),
            ),
        ),
    ),
    "enquiry-not-returned": (
        Story(
            skills=("defensible-decisions",),
            proposal="The children's services enquiry has not been returned after ten working "
            "days. I propose to chase it through the safeguarding hub, record that it is "
            "outstanding and hold the review until I have the reply.",
            what_happened="The children's services enquiry made at allocation had not been "
            "returned after ten working days.",
            so_what="The practitioner recognised that the assessment of risk to the children "
            "could not be completed without the reply. Holding the review was right, but the "
            "case record did not yet show that the enquiry was outstanding.",
            now_what="Chase the enquiry through the hub, record it as outstanding and escalate "
            "if there is no reply within five working days.",
            decisions=(
                (
                    "Hold the review until the reply is received, for up to five working days.",
                    "The risk to the children cannot be analysed on the person's account alone.",
                ),
            ),
            actions=(
                ("Chase the enquiry through the safeguarding hub", "practitioner", 1),
                ("Record that the enquiry is outstanding", "practitioner", 1),
                ("Escalate to the hub manager if there is still no reply", "spo", 7),
            ),
        ),
        Story(
            skills=("rosh-analysis",),
            proposal="New information from the police shows a recent domestic incident that "
            "the person did not tell me about. I propose to review the assessment this week "
            "and challenge the account at the next appointment.",
            what_happened="Police information arrived showing a recent domestic incident that "
            "had not been disclosed in supervision.",
            so_what="The practitioner acted on the new information and did not accept the "
            "earlier account at face value. The assessment needs revisiting, as the incident "
            "changes who could be at risk.",
            now_what="Review the assessment, plan the conversation about the incident and "
            "record the outcome.",
            decisions=(
                (
                    "Review the risk assessment within five working days.",
                    "The incident is new information about the risk to a partner.",
                ),
            ),
            actions=(
                ("Review the risk of serious harm assessment", "practitioner", 5),
                ("Plan and hold the conversation about the incident", "practitioner", 7),
            ),
        ),
    ),
    "mappa": (
        Story(
            skills=("defensible-decisions",),
            proposal="I think this case meets the threshold for MAPPA level 2. I propose to "
            "make the referral this week and prepare an update on risk and controls for the "
            "meeting.",
            what_happened="The practitioner considered a MAPPA level 2 referral for a case "
            "that needs active multi-agency management.",
            so_what="The reasons for the referral were clear and linked to the risk "
            "assessment. The written update needed the victim safety measures the plan relies "
            "on.",
            now_what="Make the referral, prepare a concise written update including victim "
            "safety, and attend the meeting with the SPO.",
            decisions=(
                (
                    "Refer to MAPPA at level 2.",
                    "Managing the risk depends on actions by the police and housing that "
                    "probation cannot secure alone.",
                ),
            ),
            actions=(
                ("Complete the MAPPA referral", "practitioner", 3),
                ("Prepare the written update for the meeting", "practitioner", 10),
                ("Attend the first meeting with the practitioner", "spo", 15),
            ),
        ),
    ),
    "serious-incident": (
        Story(
            skills=("reflective-practice",),
            proposal="Following the arrest for a further offence, I have started the review of "
            "my contact and I propose to complete the notification and look again at what "
            "the last three appointments showed.",
            what_happened="The practitioner was told of an arrest for a further offence on a "
            "case they hold and began the notification.",
            so_what="The practitioner reflected openly on the last appointments. Warning signs "
            "were recorded but the risk assessment was not reviewed; the learning is about "
            "reviewing when things change, not about blame.",
            now_what="Complete the notification on time, review the assessment and bring the "
            "learning to the team meeting.",
            decisions=(
                (
                    "Complete the serious further offence notification within the deadline.",
                    "The offence meets the criteria for notification.",
                ),
            ),
            actions=(
                ("Complete the notification", "practitioner", 2),
                ("Share the learning at the team meeting", "practitioner", 21),
                ("Offer a wellbeing follow-up", "spo", 7),
            ),
        ),
        Story(
            skills=("challenging-conversations",),
            proposal="After the third unacceptable absence I propose to start breach "
            "proceedings rather than issue another warning, and explain the decision at the "
            "next appointment.",
            what_happened="The practitioner brought an enforcement decision after a third "
            "unacceptable absence.",
            so_what="The proposal was reasoned and proportionate, weighing the risk of "
            "further offending against the progress made on the programme. The rationale was "
            "recorded before the discussion.",
            now_what="Start breach proceedings, explain the decision to the person and keep "
            "the programme place open if the court allows.",
            decisions=(
                (
                    "Start breach proceedings.",
                    "Three unacceptable absences and a rising risk mean a further warning "
                    "would not be a defensible response.",
                ),
            ),
            actions=(
                ("Prepare the breach report", "practitioner", 5),
                ("Speak to the programme team about keeping the place", "practitioner", 7),
            ),
        ),
    ),
    "high-risk-transition": (
        Story(
            skills=("risk-planning",),
            proposal="A high risk case has transferred in from another area. I propose to "
            "review the assessment within five days, request the police and children's "
            "services information again and see the person at the office this week.",
            what_happened="A high risk of serious harm case transferred in and the practitioner "
            "planned the first steps.",
            so_what="The practitioner rightly did not rely on the previous area's assessment "
            "alone and planned fresh enquiries. The plan needed arrangements for the first "
            "weeks, when the risk is highest.",
            now_what="Request fresh enquiries, review the assessment and agree weekly "
            "reporting for the first month.",
            decisions=(
                (
                    "Weekly reporting for the first month after transfer.",
                    "The person is in new accommodation and the risk is highest while things "
                    "settle.",
                ),
            ),
            actions=(
                ("Request police and children's services information", "practitioner", 2),
                ("Review the risk of serious harm assessment", "practitioner", 5),
            ),
        ),
        Story(
            skills=("professional-curiosity",),
            proposal="The person has told me about a new partner who has two young children. "
            "I propose to make the children's services enquiry, ask the police for domestic "
            "abuse information and visit the home.",
            what_happened="A new partner with young children was disclosed on a high risk case.",
            so_what="The practitioner identified the children as potentially at risk and "
            "planned the right enquiries. They agreed to verify the living arrangements rather "
            "than rely on the person's account.",
            now_what="Make both enquiries, complete a home visit and review the assessment when "
            "the replies are back.",
            decisions=(
                (
                    "Make safeguarding enquiries before any change to reporting.",
                    "The children's safety depends on information other agencies hold.",
                ),
            ),
            actions=(
                ("Make the children's services and police enquiries", "practitioner", 1),
                ("Complete a home visit", "practitioner", 10),
                ("Review the assessment with the replies", "spo", 15),
            ),
        ),
    ),
    "return-or-workload": (
        Story(
            skills=("management-oversight",),
            proposal="My workload is now over 110%. I propose to agree which cases to "
            "prioritise, hand over two lower risk cases and protect time for the overdue "
            "reviews.",
            what_happened="The practitioner's workload rose above 110% after two new allocations.",
            so_what="The practitioner was clear about which cases carry most risk and what "
            "could wait. Two reviews are overdue; the risk is in not reviewing the higher risk "
            "cases on time.",
            now_what="Reallocate two lower risk cases, complete the overdue reviews first and "
            "look at the workload again in four weeks.",
            decisions=(
                (
                    "Reallocate two lower risk cases.",
                    "The practitioner's time is needed on the high risk reviews that are overdue.",
                ),
            ),
            actions=(
                ("Reallocate two lower risk cases", "spo", 5),
                ("Complete the two overdue reviews", "practitioner", 10),
            ),
        ),
    ),
}
