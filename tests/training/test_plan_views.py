"""The learning plan pages: what each owner sees, who else gets 404, and bad input."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from learning_app.accounts.constants import Grade, Role
from learning_app.core.time import london_today
from learning_app.training.models import PlanItem, PlanSource, PlanStatus
from learning_app.training.plan_queries import quarter_end, quarter_start
from tests.training.test_advice import default_catalogue, gap

TODAY = london_today()
PLAN = "/my-development/plan/"


@pytest.fixture
def catalogue(db_session, published_framework):
    return default_catalogue(db_session)


@pytest.fixture
def people(factories, db_session, catalogue):
    team = factories.team(name="North")
    other_team = factories.team(team.pdu, name="South")
    alice = factories.user(team=team, name="Alice Adams")
    gap(db_session, alice, "rosh-analysis", 1.0, 3)  # recommends PL-05
    return {
        "spo": factories.spo(team, name="Sam Senior"),
        "other_spo": factories.spo(other_team, name="Olu Other"),
        "alice": alice,
        "bob": factories.user(team=team, name="Bob Brown"),
        "dan": factories.user(team=other_team, name="Dan Davies"),
    }


def item_for(session, practitioner, module, status=PlanStatus.PLANNED, **fields) -> PlanItem:
    fields.setdefault("source", PlanSource.CHOSEN)
    if status == PlanStatus.COMPLETED:
        fields.setdefault("completed_on", TODAY)
        fields.setdefault("usefulness", 4)
    if status == PlanStatus.DECLINED:
        fields.setdefault("declined_reason", "Not now")
    item = PlanItem(practitioner_id=practitioner.id, module_id=module.id, status=status, **fields)
    session.add(item)
    session.flush()
    return item


def items_of(session, practitioner) -> list[PlanItem]:
    session.expire_all()
    return list(
        session.scalars(select(PlanItem).where(PlanItem.practitioner_id == practitioner.id))
    )


def date_parts(name: str, day: date) -> dict[str, list[str]]:
    """A GOV.UK date input as the browser posts it: day, month and year under one name."""
    return {name: [str(day.day), str(day.month), str(day.year)]}


def item_urls(item_id: int) -> list[str]:
    base = f"/my-development/plan/items/{item_id}"
    return [f"{base}/target", f"{base}/complete", f"{base}/decline"]


# The practitioner's plan ------------------------------------------------------------------


def test_the_plan_page_shows_recommendations_with_their_reasons(client, people):
    client.sign_in(people["alice"].email)
    page = client.get_page(PLAN)

    assert page.h1 == "Your learning plan"
    assert "PL-05 RoSH analysis: from information to judgement" in page.text
    assert "Face-to-face" in page.text
    assert "For Risk of serious harm analysis (now 1.0, target 3)" in page.text
    assert page.soup.select_one('form[action="/my-development/plan/add/PL-05"]') is not None
    assert page.soup.select_one('a[href="/my-development/plan/decline/PL-05"]') is not None
    assert page.soup.select_one('a[href="/training/modules/PL-05"]') is not None
    assert "No modules in progress." in page.text


def test_observe_first_and_unmet_gaps_are_said_in_words(client, db_session, people):
    alice = people["alice"]
    from learning_app.profiles.models import SkillProfileRecord

    db_session.add(
        SkillProfileRecord(
            practitioner_id=alice.id,
            skill_slug="victim-focus",
            level=1.0,
            evidence_gap=True,
            target=3,
            gap=2.0,
            as_of=TODAY,
        )
    )
    gap(db_session, alice, "collaborative-review", 1.0, 2)  # PL-22 starts at level 2
    client.sign_in(alice.email)
    page = client.get_page(PLAN)

    assert "Ask your SPO for an observation first" in page.text
    assert "ask your SPO for an observation before choosing training" in page.text
    assert "No module in the catalogue covers this skill: Collaborative review" in page.text


def test_adding_a_recommendation_moves_it_into_the_plan(client, db_session, people):
    alice = people["alice"]
    client.sign_in(alice.email)
    response = client.submit("/my-development/plan/add/PL-05", form_url=PLAN)
    assert response.status_code == 302 and response.headers["Location"] == PLAN

    page = client.get_page(PLAN)
    assert "PL-05 RoSH analysis: from information to judgement added to your plan" in page.text
    assert page.soup.select_one('form[action="/my-development/plan/add/PL-05"]') is None
    [row] = page.table_rows("#in-progress-items")
    assert row[0].startswith("PL-05") and "Recommended" in row[1] and "Planned" in row[3]
    assert "Book a place on a cohort" in row[4]  # face-to-face: no "Mark as booked"
    [item] = items_of(db_session, alice)
    assert (item.source, item.status) == ("recommended", "planned")
    assert item.reason.startswith("For Risk of serious harm analysis")


def test_adding_any_live_module_from_the_catalogue(client, db_session, people):
    client.sign_in(people["alice"].email)
    response = client.submit(
        "/my-development/plan/add/PL-12?next=/training/modules/PL-12", form_url=PLAN
    )
    assert response.headers["Location"] == "/training/modules/PL-12"
    [item] = items_of(db_session, people["alice"])
    assert (item.source, item.reason) == ("chosen", None)
    assert "Chosen by you" in client.get_page(PLAN).table_rows("#in-progress-items")[0][1]


@pytest.mark.parametrize("next_url", ["https://evil.test/", "//evil.test/x", "evil", "/\\evil"])
def test_an_unsafe_next_is_ignored(client, people, next_url):
    client.sign_in(people["alice"].email)
    response = client.submit(f"/my-development/plan/add/PL-12?next={next_url}", form_url=PLAN)
    assert response.headers["Location"] == PLAN


def test_adding_twice_says_so_and_adds_nothing(client, db_session, people):
    client.sign_in(people["alice"].email)
    client.submit("/my-development/plan/add/PL-12", form_url=PLAN)
    response = client.submit("/my-development/plan/add/PL-12", form_url=PLAN, status=302)
    assert response.headers["Location"] == PLAN
    assert "PL-12 is already in your plan" in client.get_page(PLAN).text
    assert len(items_of(db_session, people["alice"])) == 1


@pytest.mark.parametrize("code", ["NOPE-1", "pl-05 ", "x" * 300, "PL-99"])
def test_unknown_codes_are_not_found(client, people, code):
    client.sign_in(people["alice"].email)
    client.submit(f"/my-development/plan/add/{code}", form_url=PLAN, status=404)
    client.get_page(f"/my-development/plan/decline/{code}", status=404)


def test_a_retired_module_cannot_be_added(client, db_session, catalogue, people):
    from learning_app.core.time import utc_now

    catalogue["PL-12"].retired_at = utc_now()
    db_session.flush()
    client.sign_in(people["alice"].email)
    client.submit("/my-development/plan/add/PL-12", form_url=PLAN, status=404)


def test_declining_a_recommendation_needs_a_reason(client, db_session, people):
    alice = people["alice"]
    client.sign_in(alice.email)
    url = "/my-development/plan/decline/PL-05"
    page = client.get_page(url)
    assert "It was recommended for you." in page.text

    page = client.page(client.submit(url, {"reason": "   "}, status=200))
    assert page.title.startswith("Error: ")
    assert page.error_summary == ["Enter why you are declining it"]
    assert items_of(db_session, alice) == []

    client.submit(url, {"reason": "I did it with my last employer"}, status=302)
    page = client.get_page(PLAN)
    assert "You declined PL-05" in page.text
    assert page.table_rows("#declined-items")[0][1:] == [
        "Recommended",
        "I did it with my last employer",
    ]
    # Declined: no longer offered as a recommendation, and the decline page is gone.
    assert page.soup.select_one('form[action="/my-development/plan/add/PL-05"]') is None
    client.get_page(url, status=404)


def test_declining_keeps_what_was_typed_when_it_names_someone(client, people):
    client.sign_in(people["alice"].email)
    url = "/my-development/plan/decline/PL-05"
    page = client.page(client.submit(url, {"reason": "Mr Smith's case came first"}, status=200))
    assert page.error_summary and "a name after Mr" in page.error_summary[0]
    assert page.field_value("reason").strip() == "Mr Smith's case came first"


def test_a_module_not_recommended_cannot_be_declined_as_a_recommendation(client, people):
    client.sign_in(people["alice"].email)
    client.get_page("/my-development/plan/decline/PL-12", status=404)


def test_target_date_bad_input_keeps_what_was_typed(client, db_session, catalogue, people):
    item = item_for(db_session, people["alice"], catalogue["PL-12"])
    url = f"/my-development/plan/items/{item.id}/target"
    client.sign_in(people["alice"].email)
    assert client.get_page(url).h1.endswith("When do you mean to finish it?")

    cases = [
        ({}, "Enter a target date"),
        ({"target_on": ["31", "2", "2027"]}, "real date"),
        ({"target_on": ["1", "", "2027"]}, "include a month"),
        (date_parts("target_on", TODAY - timedelta(days=1)), "today or in the future"),
        ({"target_on": ["x", "y", "z"]}, "real date"),
        ({"target_on": ["1"]}, "include a month and year"),
    ]
    for data, message in cases:
        page = client.page(client.submit(url, data, status=200))
        assert page.title.startswith("Error: "), data
        assert any(message in e for e in page.error_summary), (data, page.error_summary)
        if data:
            days = [i.get("value") for i in page.soup.select('input[name="target_on"]')]
            assert days[: len(data["target_on"])] == data["target_on"], data
    assert items_of(db_session, people["alice"])[0].target_on is None

    client.submit(url, date_parts("target_on", TODAY + timedelta(days=10)), status=302)
    assert items_of(db_session, people["alice"])[0].target_on == TODAY + timedelta(days=10)


def test_completing_with_bad_input_then_good(client, db_session, catalogue, people):
    item = item_for(db_session, people["alice"], catalogue["PL-12"])
    url = f"/my-development/plan/items/{item.id}/complete"
    client.sign_in(people["alice"].email)
    client.get_page(url)
    good = {**date_parts("completed_on", TODAY), "usefulness": "4", "comment": "Clear on levels"}
    cases = [
        ({**good, "usefulness": "7"}, "Select how useful it was, from 1 to 5"),
        ({**good, "usefulness": "0"}, "Select how useful it was, from 1 to 5"),
        ({**good, "usefulness": ""}, "Select how useful it was"),
        ({**good, "completed_on": ["", "4", "2026"]}, "Date completed must include a day"),
        (
            {**good, **date_parts("completed_on", TODAY + timedelta(days=1))},
            "Date completed must be today or in the past",
        ),
    ]
    for data, message in cases:
        page = client.page(client.submit(url, data, status=200))
        assert page.error_summary == [message], data
        assert page.field_value("comment").strip() == "Clear on levels"
    assert items_of(db_session, people["alice"])[0].status == "planned"

    client.submit(url, good, status=302)
    page = client.get_page(PLAN)
    assert "PL-12 marked as completed" in page.text
    [row] = page.table_rows("#completed-items")
    assert row[2:] == [f"{TODAY.day} {TODAY:%B %Y}", "4 out of 5", "Clear on levels"]


def test_mark_booked_and_decline_an_item(client, db_session, catalogue, people):
    item = item_for(db_session, people["alice"], catalogue["PL-12"])
    client.sign_in(people["alice"].email)
    client.submit(f"/my-development/plan/items/{item.id}/booked", form_url=PLAN, status=302)
    assert items_of(db_session, people["alice"])[0].status == "booked"
    assert "Booked" in client.get_page(PLAN).table_rows("#in-progress-items")[0][3]

    url = f"/my-development/plan/items/{item.id}/decline"
    page = client.page(client.submit(url, {"reason": ""}, status=200))
    assert page.error_summary == ["Enter why you are declining it"]
    client.submit(url, {"reason": "My SPO agreed it can wait"}, status=302)
    assert items_of(db_session, people["alice"])[0].status == "declined"
    # A closed item has no action pages any more.
    for action_url in item_urls(item.id):
        client.get_page(action_url, status=404)


def test_booking_a_face_to_face_item_here_is_refused_in_words(
    client, db_session, catalogue, people
):
    item = item_for(db_session, people["alice"], catalogue["PL-05"])
    client.sign_in(people["alice"].email)
    client.submit(f"/my-development/plan/items/{item.id}/booked", form_url=PLAN, status=302)
    assert "Book a place on a cohort of PL-05 instead" in client.get_page(PLAN).text
    assert items_of(db_session, people["alice"])[0].status == "planned"


def test_overdue_items_are_tagged_in_words(client, db_session, catalogue, people):
    item_for(db_session, people["alice"], catalogue["PL-12"], target_on=TODAY - timedelta(days=1))
    item_for(db_session, people["alice"], catalogue["PL-03"], target_on=TODAY)
    client.sign_in(people["alice"].email)
    rows = client.get_page(PLAN).table_rows("#in-progress-items")
    assert [r[0][:5] for r in rows] == ["PL-12", "PL-03"]
    assert "Overdue" in rows[0][2] and "Overdue" not in rows[1][2]


# Access: the per-object matrix ------------------------------------------------------------


def test_signed_out_users_are_sent_to_sign_in(client, db_session, catalogue, people):
    item = item_for(db_session, people["alice"], catalogue["PL-12"])
    urls = [PLAN, "/my-development/plan/decline/PL-05", *item_urls(item.id), "/my-team/plans/"]
    urls += [f"/my-team/practitioners/{people['alice'].id}/plan"]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and "/sign-in" in response.headers["Location"], url


def test_a_practitioner_cannot_reach_someone_elses_items(client, db_session, catalogue, people):
    item = item_for(db_session, people["bob"], catalogue["PL-12"])
    client.sign_in(people["alice"].email)
    for url in item_urls(item.id):
        client.get_page(url, status=404)
        client.submit(url, {"reason": "x", "usefulness": "3"}, form_url=PLAN, status=404)
    client.submit(f"/my-development/plan/items/{item.id}/booked", form_url=PLAN, status=404)
    assert items_of(db_session, people["bob"])[0].status == "planned"


@pytest.mark.parametrize("item_id", [0, 999999, 2**31, 10**30])
def test_unknown_item_ids_are_not_found(client, people, item_id):
    client.sign_in(people["alice"].email)
    for url in item_urls(item_id):
        client.get_page(url, status=404)


OTHER_ROLES = [Role.SPO, Role.QDO, Role.LD_LEAD, Role.LEADER, Role.ADMIN]


@pytest.mark.parametrize("role", OTHER_ROLES, ids=str)
def test_other_roles_get_404_on_practitioner_routes(
    client, factories, db_session, catalogue, people, role
):
    item = item_for(db_session, people["alice"], catalogue["PL-12"])
    team = people["alice"].team
    scope = team if role == Role.SPO else team.pdu if role != Role.ADMIN else None
    user = factories.user(role=role, scope=scope, grade=Grade.OTHER)
    client.sign_in(user.email)
    for url in [PLAN, "/my-development/plan/decline/PL-05", *item_urls(item.id)]:
        client.get_page(url, status=404)


@pytest.mark.parametrize(
    "role", [Role.PRACTITIONER, Role.QDO, Role.LD_LEAD, Role.LEADER, Role.ADMIN], ids=str
)
def test_other_roles_get_404_on_spo_routes(client, factories, people, role):
    team = people["alice"].team
    scope = None if role in (Role.PRACTITIONER, Role.ADMIN) else team.pdu
    user = factories.user(role=role, scope=scope, team=team, grade=Grade.PO)
    client.sign_in(user.email)
    alice = people["alice"].id
    for url in [
        "/my-team/plans/",
        f"/my-team/practitioners/{alice}/plan",
        f"/my-team/practitioners/{alice}/plan/assign",
    ]:
        client.get_page(url, status=404)


@pytest.mark.parametrize(
    ("who", "whom", "status"),
    [
        ("spo", "alice", 200),
        ("spo", "bob", 200),
        ("spo", "dan", 404),
        ("spo", "spo", 404),
        ("spo", "other_spo", 404),
        ("other_spo", "alice", 404),
        ("other_spo", "dan", 200),
    ],
)
def test_an_spo_sees_only_their_teams_plans(client, people, who, whom, status):
    client.sign_in(people[who].email)
    user_id = people[whom].id
    client.get_page(f"/my-team/practitioners/{user_id}/plan", status=status)
    client.get_page(f"/my-team/practitioners/{user_id}/plan/assign", status=status)


@pytest.mark.parametrize("user_id", [0, 999999, 2**31, 10**30])
def test_unknown_practitioner_ids_are_not_found(client, people, user_id):
    client.sign_in(people["spo"].email)
    client.get_page(f"/my-team/practitioners/{user_id}/plan", status=404)
    client.get_page(f"/my-team/practitioners/{user_id}/plan/assign", status=404)


def test_a_practitioner_who_moved_away_is_no_longer_visible(client, db_session, people):
    people["alice"].team_id = people["dan"].team_id
    db_session.flush()
    client.sign_in(people["spo"].email)
    client.get_page(f"/my-team/practitioners/{people['alice'].id}/plan", status=404)
    assert "Alice Adams" not in client.get_page("/my-team/plans/").text


# The SPO's pages --------------------------------------------------------------------------


def test_the_team_page_counts_open_overdue_completed_and_declined(
    client, db_session, catalogue, people
):
    alice, bob = people["alice"], people["bob"]
    item_for(db_session, alice, catalogue["PL-12"], target_on=TODAY - timedelta(days=3))
    item_for(db_session, alice, catalogue["PL-03"], PlanStatus.BOOKED, target_on=TODAY)
    item_for(db_session, alice, catalogue["PL-05"], PlanStatus.COMPLETED)
    item_for(
        db_session,
        alice,
        catalogue["PL-06"],
        PlanStatus.COMPLETED,
        completed_on=quarter_start(TODAY) - timedelta(days=1),
    )
    item_for(
        db_session,
        bob,
        catalogue["PL-01"],
        PlanStatus.DECLINED,
        target_on=TODAY - timedelta(days=9),
    )
    item_for(db_session, people["dan"], catalogue["PL-12"], target_on=TODAY - timedelta(days=3))
    client.sign_in(people["spo"].email)

    page = client.get_page("/my-team/plans/")

    assert page.table_rows("#team-plans") == [
        ["Alice Adams", "2", "1", "1", "0"],
        ["Bob Brown", "0", "0", "0", "1"],
    ]
    due = TODAY - timedelta(days=3)
    assert page.table_rows("#overdue-items") == [
        [
            "Alice Adams",
            "PL-12 MAPPA essentials: categories, levels, referral",
            f"{due.day} {due:%B %Y}",
        ]
    ]
    start, end = quarter_start(TODAY), quarter_end(TODAY)
    assert f"{start.day} {start:%B %Y} to {end.day} {end:%B %Y}" in page.text
    assert "Dan Davies" not in page.text


def test_quarters_are_calendar_quarters():
    assert (quarter_start(date(2026, 2, 28)), quarter_end(date(2026, 2, 28))) == (
        date(2026, 1, 1),
        date(2026, 3, 31),
    )
    assert (quarter_start(date(2026, 11, 5)), quarter_end(date(2026, 11, 5))) == (
        date(2026, 10, 1),
        date(2026, 12, 31),
    )
    assert quarter_end(date(2026, 4, 1)) == date(2026, 6, 30)


def test_the_spo_sees_a_practitioners_plan_and_recommendations(
    client, db_session, catalogue, people
):
    item_for(
        db_session,
        people["alice"],
        catalogue["PL-12"],
        source=PlanSource.ASSIGNED,
        assigned_by_id=people["spo"].id,
    )
    client.sign_in(people["spo"].email)
    page = client.get_page(f"/my-team/practitioners/{people['alice'].id}/plan")

    assert page.h1 == "Learning plan for Alice Adams"
    assert page.table_rows("#recommended-modules")[0][0].startswith("PL-05")
    row = page.table_rows("#in-progress-items")[0]
    assert row[1] == "Assigned by Sam Senior"
    assert page.soup.select_one("form[action*='/plan/items/']") is None  # read-only
    assert page.soup.select_one(
        f'a[href="/my-team/practitioners/{people["alice"].id}/plan/assign"]'
    )


def test_assigning_lists_recommended_modules_first_and_refuses_bad_input(
    client, db_session, people
):
    alice = people["alice"]
    url = f"/my-team/practitioners/{alice.id}/plan/assign"
    client.sign_in(people["spo"].email)
    page = client.get_page(url)
    options = [o.get_text(strip=True) for o in page.soup.select('select[name="module"] option')]
    assert options[0] == "Select a module"
    assert options[1].startswith("PL-05") and options[1].endswith(", recommended")
    assert not any(o.endswith("recommended") for o in options[2:])

    good = {
        "module": "PL-12",
        **date_parts("due_on", TODAY + timedelta(days=14)),
        "note": "For the MAPPA case",
    }
    cases = [
        ({**good, "module": ""}, "Select a module"),
        ({**good, "module": "NOPE"}, "Select a module"),
        ({**good, "due_on": ["", "4", "2027"]}, "Due date must include a day"),
        ({**good, "due_on": ["1", "13", "2027"]}, "Due date must be a real date"),
        (
            {**good, **date_parts("due_on", TODAY - timedelta(days=1))},
            "Due date must be today or in the future",
        ),
    ]
    for data, message in cases:
        page = client.page(client.submit(url, data, status=200))
        assert page.error_summary == [message], data
        assert page.field_value("note").strip() == "For the MAPPA case"
    assert items_of(db_session, alice) == []

    response = client.submit(url, good, status=302)
    assert response.headers["Location"] == f"/my-team/practitioners/{alice.id}/plan"
    [item] = items_of(db_session, alice)
    assert (item.source, item.assigned_by_id, item.target_on) == (
        "assigned",
        people["spo"].id,
        TODAY + timedelta(days=14),
    )
    client.sign_out()
    client.sign_in(alice.email)
    row = client.get_page(PLAN).table_rows("#in-progress-items")[0]
    assert row[1].startswith("Assigned by Sam Senior") and "For the MAPPA case" in row[1]
