"""The discussion rules pages: admins read the rules in force in plain words, change each
rule, add and remove case event types and restore the defaults; every change is a new
saved version, and a change that does not hold together is refused with GOV.UK errors."""

from __future__ import annotations

import copy

import pytest
from sqlalchemy import func, select

from learning_app.accounts.constants import Band, Grade, Role
from learning_app.admin import rules_changes as changes
from learning_app.core.audit import AuditEvent
from learning_app.extensions import db
from learning_app.reflective import rule_store
from learning_app.reflective.models import RuleSet
from learning_app.reflective.rules import Rosh

BASE = "/admin/discussion-rules"
ROLES = [Role.PRACTITIONER, Role.SPO, Role.QDO, Role.LD_LEAD, Role.LEADER]
GET_ROUTES = [
    "/",
    "/cadence/trainee/0",
    "/case-events/new",
    "/case-events/rosh-high/edit",
    "/case-events/rosh-high/remove",
    "/follow-ups/audit-keeping-safe-no/edit",
    "/restore-defaults",
]
POST_ROUTES = GET_ROUTES[1:]


@pytest.fixture
def admin_client(client, factories, published_framework):
    admin = factories.admin(email="rules-admin@example.test", name="Ada Admin")
    client.sign_in(admin.email)
    client.admin = admin
    return client


def versions() -> int:
    return db.session.scalar(select(func.count(RuleSet.id)))


def rule_actions() -> list[tuple[int | None, str]]:
    stmt = select(AuditEvent.actor_id, AuditEvent.detail).where(
        AuditEvent.action == "reflective_rules.save"
    )
    return [(actor, detail["summary"]) for actor, detail in db.session.execute(stmt)]


def banner(page) -> str:
    found = page.soup.select_one(".govuk-notification-banner")
    return " ".join(found.get_text(" ", strip=True).split()) if found else ""


def saved(client, response):
    """The change worked: redirected to the rules, with a banner."""
    assert response.status_code == 302, client.page(response).error_summary
    assert response.headers["Location"].endswith(f"{BASE}/")
    return client.get_page(response.headers["Location"])


def refused(client, response, *errors: str):
    """The change was refused with GOV.UK errors, on a page titled "Error: ..."."""
    assert response.status_code == 200
    page = client.page(response)
    assert page.title.startswith("Error: ")
    for error in errors:
        assert error in page.error_summary, page.error_summary
    return page


def case_event(**changes_) -> dict:
    data = {
        "label": "Court report judged insufficient",
        "due_working_days": "7",
        "bands": ["pso", "trainee"],
        "min_rosh": "medium",
        "focus_skills": ["court-reports", "defensible-decisions"],
    }
    data.update(changes_)
    return {k: v for k, v in data.items() if v is not None}


# Access ----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", GET_ROUTES)
def test_anonymous_people_are_sent_to_sign_in(client, path):
    response = client.get(BASE + path)
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]


@pytest.mark.parametrize("role", ROLES)
def test_only_admins_see_the_rules_pages(client, factories, role, published_framework):
    team = factories.team()
    scope = {Role.SPO: team, Role.QDO: team.pdu, Role.LD_LEAD: team.pdu, Role.LEADER: team.pdu}
    user = factories.user(role=role, scope=scope.get(role), team=team, grade=Grade.PO)
    client.sign_in(user.email)
    for path in GET_ROUTES:
        assert client.get(BASE + path).status_code == 404, path
    token = client.csrf_token("/home")
    for path in POST_ROUTES:
        response = client.post(BASE + path, data={"csrf_token": token, **case_event()})
        assert response.status_code == 404, path
    assert versions() == 0


@pytest.mark.parametrize("path", GET_ROUTES)
def test_admins_see_every_page(admin_client, path):
    admin_client.get_page(BASE + path)


@pytest.mark.parametrize(
    "path",
    [
        "/cadence/spo/0",  # SPOs have no cadence rule
        "/cadence/pso/5",  # no rule starts there
        "/cadence/nonsense/0",
        "/cadence/pso/99999999999999999999999",
        "/case-events/not-a-rule/edit",
        "/case-events/not-a-rule/remove",
        "/follow-ups/not-a-rule/edit",
    ],
)
def test_rules_that_do_not_exist_are_not_found(admin_client, path):
    assert admin_client.get(BASE + path).status_code == 404
    token = admin_client.csrf_token(BASE + "/")
    assert admin_client.post(BASE + path, data={"csrf_token": token}).status_code == 404


# The rules in force ----------------------------------------------------------------------


def test_the_rules_in_force_are_shown_in_plain_words(admin_client):
    page = admin_client.get_page(BASE + "/")
    assert page.h1 == "Reflective discussion rules"
    cadence = page.table_rows("#cadence")
    assert cadence[0][:2] == ["PSO, first year after starting", "Every 4 weeks"]
    assert cadence[1][:2] == ["PSO, 1 year or more after starting", "Every 6 weeks"]
    assert cadence[2][:2] == ["Trainee (PQiP)", "Every 2 weeks"]
    assert ["PO qualified 2 years or more", "Every 8 weeks"] in [row[:2] for row in cadence]

    events = {row[0]: row[1:5] for row in page.table_rows("#case-events")}
    assert events["Risk of serious harm assessed or raised to high or very high"] == [
        "5 working days",
        "PSO, Trainee (PQiP), PO qualified under 2 years",
        "High",
        "Risk of serious harm analysis, Safeguarding enquiries, Risk management planning",
    ]
    mappa = events["MAPPA level 2 or 3 case, or a MAPPA referral under consideration"]
    assert mappa[1:3] == ["Every band", "Any level"]
    # Skills by name, never by slug.
    assert "multi-agency-working" not in mappa[3]

    follow_ups = page.table_rows("#follow-ups")
    assert follow_ups[-1][:2] == ["The practitioner asked for a discussion", "10 working days"]
    assert "nobody has changed them yet" in page.soup.select_one("#last-change").get_text()
    assert "No changes have been saved yet." in page.text


def test_focus_skills_are_named_as_in_the_published_framework(admin_client, published_framework):
    names = {s.slug: s.name for s in published_framework.skills}
    page = admin_client.get_page(BASE + "/")
    row = next(r for r in page.table_rows("#case-events") if r[0].startswith("MAPPA"))
    assert row[4] == f"{names['multi-agency-working']}, {names['risk-planning']}"


# Cadence ---------------------------------------------------------------------------------


def test_an_admin_changes_how_often_a_band_meets(admin_client):
    page = admin_client.get_page(BASE + "/cadence/pso/0")
    assert page.field_value("every_weeks") == "4"
    assert page.field_value("months_to") == "12"

    page = saved(
        admin_client,
        admin_client.submit(BASE + "/cadence/pso/0", {"every_weeks": "3", "months_to": "6"}),
    )

    assert banner(page) == "Success Cadence saved for PSO, first year after starting"
    rules = rule_store.current_rules()
    pso = [r for r in rules.cadence if r.band == Band.PSO]
    assert [(r.months_from, r.months_to, r.every_weeks) for r in pso] == [
        (0, 6, 3),
        (6, None, 6),
    ]
    cadence = page.table_rows("#cadence")
    assert cadence[0][:2] == ["PSO, first 6 months after starting", "Every 3 weeks"]
    assert cadence[1][:2] == ["PSO, 6 months or more after starting", "Every 6 weeks"]
    summary = "Cadence for PSO, first year after starting: every 4 weeks to every 3 weeks; "
    summary += "ends at 12 months to 6 months"
    assert page.table_rows("#versions")[0][1:] == ["Ada Admin", summary]
    assert "Last changed by Ada Admin" in page.soup.select_one("#last-change").get_text()
    assert rule_actions() == [(admin_client.admin.id, summary)]


def test_a_rule_without_an_end_asks_only_how_often(admin_client):
    page = admin_client.get_page(BASE + "/cadence/trainee/0")
    assert page.field_value("months_to") is None
    saved(admin_client, admin_client.submit(BASE + "/cadence/trainee/0", {"every_weeks": "1"}))
    trainee = next(r for r in rule_store.current_rules().cadence if r.band == Band.TRAINEE)
    assert trainee.every_weeks == 1


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ({"every_weeks": ""}, "Enter how often they meet, in weeks"),
        ({"every_weeks": "0"}, "How often must be a whole number from 1 to 26"),
        ({"every_weeks": "27"}, "How often must be a whole number from 1 to 26"),
        ({"every_weeks": "two"}, "How often must be a whole number from 1 to 26"),
        ({"every_weeks": "1.5"}, "How often must be a whole number from 1 to 26"),
        ({"every_weeks": "-3"}, "How often must be a whole number from 1 to 26"),
        ({"every_weeks": "4", "months_to": ""}, "Enter when the rule ends, in months"),
        ({"every_weeks": "4", "months_to": "0"}, "When the rule ends must be a whole number"),
        ({"every_weeks": "4", "months_to": "121"}, "When the rule ends must be a whole number"),
        ({}, "Enter how often they meet, in weeks"),
    ],
)
def test_bad_cadence_is_refused_and_what_was_typed_is_kept(admin_client, typed, error):
    response = admin_client.submit(BASE + "/cadence/pso/0", typed)
    page = refused(admin_client, response)
    assert any(e.startswith(error) for e in page.error_summary), page.error_summary
    if typed.get("every_weeks"):
        assert page.field_value("every_weeks") == typed["every_weeks"]
    assert versions() == 0


def test_a_boundary_cannot_pass_the_end_of_the_next_rule(admin_client):
    # The PO bands: qualified under 2 years ends at 24 months by being a band; the rule
    # for the first year ends at 12 and the next one has no end, so 120 is the limit.
    saved(
        admin_client,
        admin_client.submit(BASE + "/cadence/new/0", {"every_weeks": "4", "months_to": "18"}),
    )
    new = [r for r in rule_store.current_rules().cadence if r.band == Band.NEW]
    assert [(r.months_from, r.months_to) for r in new] == [(0, 18), (18, None)]


def test_a_change_that_breaks_another_rule_shows_the_problem_and_saves_nothing(admin_client):
    """The whole document is checked: a rule naming a skill no longer published blocks it."""
    document = copy.deepcopy(rule_store.current_document())
    document["case_events"][1]["focus_skills"] = ["retired-skill"]
    rule_store.save_rules(None, document, "Before the framework changed")
    before = versions()

    response = admin_client.submit(BASE + "/cadence/trainee/0", {"every_weeks": "3"})

    page = refused(admin_client, response)
    label = document["case_events"][1]["label"]
    assert page.error_summary == [
        f"Case event ‘{label}’: focus skill 'retired-skill' is not in the published framework"
    ]
    assert page.field_value("every_weeks") == "3"
    assert versions() == before
    trainee = next(r for r in rule_store.current_rules().cadence if r.band == Band.TRAINEE)
    assert trainee.every_weeks == 2


def test_the_case_event_page_warns_of_skills_no_longer_published(admin_client):
    document = copy.deepcopy(rule_store.current_document())
    document["case_events"][1]["focus_skills"] = ["retired-skill", "risk-planning"]
    rule_store.save_rules(None, document, "Before the framework changed")
    code = document["case_events"][1]["code"]
    page = admin_client.get_page(f"{BASE}/case-events/{code}/edit")
    assert "retired-skill" in page.soup.select_one(".govuk-warning-text").get_text()
    saved(
        admin_client,
        admin_client.submit(
            f"{BASE}/case-events/{code}/edit",
            case_event(label=document["case_events"][1]["label"], focus_skills=["risk-planning"]),
        ),
    )
    assert rule_store.current_rules().case_event(code).focus_skills == ("risk-planning",)


# Case events -----------------------------------------------------------------------------


def test_an_admin_changes_a_case_event_type(admin_client):
    page = admin_client.get_page(BASE + "/case-events/rosh-high/edit")
    assert page.field_value("due_working_days") == "5"
    ticked = [i["value"] for i in page.soup.select('input[name="bands"][checked]')]
    assert sorted(ticked) == ["new", "pso", "trainee"]
    assert page.soup.select_one('input[name="min_rosh"][checked]')["value"] == "high"
    legends = [legend.get_text(strip=True) for legend in page.soup.select("legend")]
    assert "Which experience bands does it apply to?" in legends
    assert "Focus skills (optional)" in legends

    data = case_event(
        label="Risk of serious harm raised to high or very high",
        due_working_days="3",
        bands=["pso", "trainee", "new", "experienced"],
        min_rosh="very_high",
        focus_skills=["rosh-analysis"],
    )
    page = saved(admin_client, admin_client.submit(BASE + "/case-events/rosh-high/edit", data))

    rule = rule_store.current_rules().case_event("rosh-high")
    assert rule.due_working_days == 3
    assert rule.label == "Risk of serious harm raised to high or very high"
    assert rule.bands is None  # every band ticked: it applies to everyone
    assert rule.min_rosh is Rosh.VERY_HIGH
    assert rule.focus_skills == ("rosh-analysis",)
    summary = page.table_rows("#versions")[0][2]
    assert summary == (
        "Case event ‘Risk of serious harm raised to high or very high’: name, deadline, "
        "bands, minimum risk level, focus skills changed"
    )
    assert len(rule_actions()) == 1


def test_an_admin_adds_a_case_event_type_with_a_code_from_its_name(admin_client):
    page = saved(admin_client, admin_client.submit(BASE + "/case-events/new", case_event()))
    assert banner(page) == "Success Case event type added: Court report judged insufficient"
    rule = rule_store.current_rules().case_event("court-report-judged-insufficient")
    assert rule.due_working_days == 7
    assert rule.bands == {Band.PSO, Band.TRAINEE}
    assert rule.min_rosh is Rosh.MEDIUM
    assert rule.focus_skills == ("court-reports", "defensible-decisions")

    # Another name that makes the same code gets a code of its own.
    saved(
        admin_client,
        admin_client.submit(
            BASE + "/case-events/new", case_event(label="Court report: judged insufficient")
        ),
    )
    assert rule_store.current_rules().case_event("court-report-judged-insufficient-2")
    assert len(rule_actions()) == 2


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ({"label": ""}, "Enter the name of the case event type"),
        ({"label": "   "}, "Enter the name of the case event type"),
        ({"label": "x" * 201}, "The name must be 200 characters or fewer"),
        ({"label": "<b>Bold</b>"}, "The name must not include HTML, like <b>"),
        (
            {"label": "mappa level 2 or 3 case, or a mappa referral under consideration"},
            "There is already a case event type called",
        ),
        ({"due_working_days": ""}, "Enter the deadline in working days"),
        ({"due_working_days": "0"}, "The deadline must be a whole number from 1 to 30"),
        ({"due_working_days": "31"}, "The deadline must be a whole number from 1 to 30"),
        ({"due_working_days": "five"}, "The deadline must be a whole number from 1 to 30"),
        ({"bands": []}, "Select which experience bands it applies to"),
        ({"bands": ["spo"]}, "Select experience bands from the list"),
        ({"min_rosh": ""}, "Select the lowest risk of serious harm level it applies to"),
        ({"min_rosh": "extreme"}, "Select a risk of serious harm level from the list"),
        ({"focus_skills": ["not-a-skill"]}, "Select focus skills from the published framework"),
    ],
)
def test_bad_case_events_are_refused_and_nothing_is_lost(admin_client, typed, error):
    data = case_event(**typed)
    for path in ("/case-events/new", "/case-events/rosh-high/edit"):
        if path.endswith("edit") and "referral" in str(typed.get("label")):
            continue
        page = refused(admin_client, admin_client.submit(BASE + path, data))
        assert any(e.startswith(error) for e in page.error_summary), page.error_summary
        if "due_working_days" not in typed:
            assert page.field_value("due_working_days") == "7"
        if "label" not in typed:
            assert page.field_value("label") == "Court report judged insufficient"
    assert versions() == 0


def test_a_case_event_keeps_its_own_name(admin_client):
    """Saving a rule under the name it already has is not a duplicate."""
    document = rule_store.current_document()
    label = changes.case_event_row(document, "mappa")["label"]
    saved(
        admin_client,
        admin_client.submit(BASE + "/case-events/mappa/edit", case_event(label=label.upper())),
    )
    assert rule_store.current_rules().case_event("mappa").label == label.upper()


def test_a_post_with_nothing_in_it_gets_every_error(admin_client):
    page = refused(admin_client, admin_client.submit(BASE + "/case-events/new", {}))
    assert page.error_summary == [
        "Enter the name of the case event type",
        "Enter the deadline in working days",
        "Select which experience bands it applies to",
        "Select the lowest risk of serious harm level it applies to",
    ]


def test_a_post_without_a_csrf_token_saves_nothing(admin_client):
    response = admin_client.post(BASE + "/case-events/new", data=case_event())
    assert response.status_code in (200, 400)
    assert versions() == 0


def test_an_admin_removes_a_case_event_type_after_confirming(admin_client):
    page = admin_client.get_page(BASE + "/case-events/mappa/remove")
    assert page.h1 == "Are you sure you want to remove this case event type?"
    assert versions() == 0

    page = saved(admin_client, admin_client.submit(BASE + "/case-events/mappa/remove"))

    assert rule_store.current_rules().case_event("mappa") is None
    assert not any(r[0].startswith("MAPPA") for r in page.table_rows("#case-events"))
    assert rule_actions()[0][1].endswith("removed")


def test_the_only_case_event_type_cannot_be_removed(admin_client):
    document = copy.deepcopy(rule_store.current_document())
    document["case_events"] = document["case_events"][:1]
    rule_store.save_rules(None, document, "One left")
    page = admin_client.get_page(BASE + "/case-events/rosh-high/remove")
    assert page.error_summary == [
        "You cannot remove the only case event type: add another one first"
    ]
    response = admin_client.submit(BASE + "/case-events/rosh-high/remove", form_url=BASE + "/")
    assert response.status_code == 200
    assert versions() == 1
    assert "Remove" not in [
        a.get_text(strip=True) for a in admin_client.get_page(BASE + "/").soup.select("a")
    ]


# Follow-ups and the defaults -------------------------------------------------------------


def test_an_admin_changes_a_follow_up(admin_client):
    path = BASE + "/follow-ups/practitioner-request/edit"
    saved(
        admin_client,
        admin_client.submit(path, {"label": "The practitioner asked", "due_working_days": "8"}),
    )
    rule = rule_store.current_rules().follow_up("practitioner-request")
    assert (rule.label, rule.due_working_days) == ("The practitioner asked", 8)


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ({"label": "", "due_working_days": "5"}, "Enter the name of the follow-up"),
        ({"label": "Asked", "due_working_days": "31"}, "The deadline must be a whole number"),
        ({"label": "Asked", "due_working_days": ["3", "4"]}, None),
        ({}, "Enter the name of the follow-up"),
    ],
)
def test_bad_follow_ups_are_refused(admin_client, typed, error):
    path = BASE + "/follow-ups/practitioner-request/edit"
    response = admin_client.submit(path, typed)
    if error is None:  # two values for one field: the first is read, and it is fine
        assert response.status_code == 302
        return
    page = refused(admin_client, response)
    assert any(e.startswith(error) for e in page.error_summary)
    assert versions() == 0


def test_an_admin_restores_the_defaults_after_confirming(admin_client):
    admin_client.submit(BASE + "/cadence/trainee/0", {"every_weeks": "3"})
    admin_client.submit(BASE + "/case-events/mappa/remove")
    page = admin_client.get_page(BASE + "/restore-defaults")
    assert page.h1 == "Are you sure you want to restore the default rules?"
    assert versions() == 2

    page = saved(admin_client, admin_client.submit(BASE + "/restore-defaults"))

    assert rule_store.current_document() == rule_store.default_document()
    assert versions() == 3
    assert [row[2] for row in page.table_rows("#versions")][0] == "Restored the default rules"
    assert len(rule_actions()) == 3


# Building documents ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("row", "words"),
    [
        ({"band": "trainee"}, "Trainee (PQiP)"),
        ({"band": "pso", "since": "started_on", "months_to": 12}, "PSO, first year after starting"),
        (
            {"band": "new", "since": "qualified_on", "months_from": 12, "months_to": 24},
            "PO qualified under 2 years, second year after qualifying",
        ),
        (
            {"band": "pso", "since": "started_on", "months_from": 24},
            "PSO, 2 years or more after starting",
        ),
        (
            {"band": "pso", "since": "started_on", "months_from": 3, "months_to": 9},
            "PSO, 3 to 9 months after starting",
        ),
        (
            {"band": "pso", "since": "started_on", "months_from": 0, "months_to": 9},
            "PSO, first 9 months after starting",
        ),
    ],
)
def test_cadence_rules_in_plain_words(row, words):
    assert changes.cadence_who(row) == words


def test_codes_are_made_from_names_and_kept_unique():
    assert changes.slug("Défense: MAPPA level 2/3!") == "defense-mappa-level-2-3"
    assert changes.slug("!!!") == "case-event"
    assert len(changes.slug("word " * 30)) <= 40
    assert changes.unique_code("MAPPA", ["mappa", "mappa-2"]) == "mappa-3"
    long = "a" * 40
    assert changes.unique_code(long, [long]) == "a" * 38 + "-2"


def test_changes_never_touch_the_document_they_start_from():
    document = rule_store.default_document()
    before = copy.deepcopy(document)
    changes.change_cadence(document, "pso", 0, 3, 6)
    changes.remove_case_event(document, "mappa")
    changes.change_follow_up(document, "practitioner-request", "Asked", 3)
    assert document == before


def test_the_default_document_is_read_once_and_given_out_as_a_copy(db_session) -> None:
    first = rule_store.default_document()
    first["cadence"].clear()
    second = rule_store.default_document()
    assert second["cadence"] and second is not first
    assert rule_store.current_rules().cadence
