"""The cohort pages: L&D leads schedule and cancel cohorts, practitioners book, wait and
cancel, and the module page lists a module's cohorts."""

from __future__ import annotations

import itertools
import threading
from datetime import UTC, datetime, time, timedelta
from uuid import uuid4

import pytest
from sqlalchemy import delete, select

from learning_app.accounts.constants import Grade, Role
from learning_app.accounts.models import RoleAssignment, User
from learning_app.core.audit import AuditEvent
from learning_app.core.time import LONDON, london_today
from learning_app.extensions import db
from learning_app.training.cohorts import book_place, schedule_cohort
from learning_app.training.models import (
    Cohort,
    CohortBooking,
    DeliveryMode,
    PlanItem,
    PlanSource,
    PlanStatus,
    TrainingModule,
)
from tests.conftest import is_postgres, make_test_app
from tests.factories import Factories

_codes = itertools.count(1)
DAY = london_today() + timedelta(days=40)
ROLES = [Role.PRACTITIONER, Role.SPO, Role.QDO, Role.LD_LEAD, Role.LEADER, Role.ADMIN]
MANAGERS = {Role.LD_LEAD, Role.ADMIN}


def at(day, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON).astimezone(UTC)


def make_module(mode: DeliveryMode = DeliveryMode.FACE_TO_FACE, size: int | None = 12):
    return Factories(db.session).training_module(mode, size)


def person(factories, role: Role, **kwargs):
    if role == Role.SPO:
        return factories.spo(factories.team(), **kwargs)
    if role == Role.PRACTITIONER:
        kwargs.setdefault("team", factories.team(name=f"Team {next(_codes)}"))
        return factories.user(role=role, **kwargs)
    scope = factories.pdu() if role in (Role.QDO, Role.LD_LEAD, Role.LEADER) else None
    return factories.user(role=role, scope=scope, grade=Grade.OTHER, **kwargs)


@pytest.fixture
def ld_lead(factories):
    return person(factories, Role.LD_LEAD)


@pytest.fixture
def module(db_session):
    return make_module()


@pytest.fixture
def make_cohort(ld_lead, module):
    def make(capacity: int = 2, day=DAY, hour: int = 9, of: TrainingModule | None = None):
        return schedule_cohort(
            ld_lead, of or module, at(day, hour, 30), at(day, 16, 30), "Leicester office", capacity
        )

    return make


@pytest.fixture
def signed_in(make_client, factories):
    """A client signed in as a new person with ``role`` (returns client and person)."""

    def sign_in(role: Role, **kwargs):
        user = person(factories, role, **kwargs)
        client = make_client()
        client.sign_in(user.email)
        return client, user

    return sign_in


def actions() -> list[str]:
    stmt = select(AuditEvent.action).where(AuditEvent.action.startswith("cohort."))
    return list(db.session.scalars(stmt.order_by(AuditEvent.id)))


def banner(page) -> str:
    found = page.soup.select_one(".govuk-notification-banner")
    return " ".join(found.get_text(" ", strip=True).split()) if found else ""


def follow(client, response):
    assert response.status_code == 302, response.status_code
    return client.get_page(response.headers["Location"])


# Scheduling -----------------------------------------------------------------------------


def good(of: TrainingModule, **changes) -> dict:
    data = {
        "module": of.code,
        "date": [str(DAY.day), str(DAY.month), str(DAY.year)],
        "start_time": "09:30",
        "end_time": "16:30",
        "place": "Leicester office, training room 2",
        "capacity": "10",
    }
    data.update(changes)
    return data


def test_an_ld_lead_schedules_a_cohort(signed_in, module):
    client, lead = signed_in(Role.LD_LEAD)
    page = client.get_page("/training/cohorts/new")
    assert page.h1 == "Schedule a cohort"

    page = follow(client, client.submit("/training/cohorts/new", good(module)))

    cohort = db.session.scalar(select(Cohort).where(Cohort.module_id == module.id))
    assert page.response.request.path == f"/training/cohorts/{cohort.id}"
    assert banner(page) == f"Success Cohort scheduled: {module.code} {module.title} on " + (
        f"{DAY.day} {DAY:%B %Y}"
    )
    # Typed as UK times, stored as UTC.
    assert cohort.starts_at.replace(tzinfo=UTC) == at(DAY, 9, 30)
    assert cohort.ends_at.replace(tzinfo=UTC) == at(DAY, 16, 30)
    assert (cohort.place, cohort.capacity, cohort.booked_count) == (
        "Leicester office, training room 2",
        10,
        0,
    )
    details = page.soup.select_one("#cohort-details").get_text(" ", strip=True)
    assert "9:30am to 4:30pm" in details
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "cohort.schedule"))
    assert event.actor_id == lead.id


def test_the_module_can_be_preselected_and_capacity_defaults_to_its_cohort_size(signed_in, module):
    client, _ = signed_in(Role.LD_LEAD)
    page = client.get_page(f"/training/cohorts/new?module={module.code}")
    assert page.field_value("module") == module.code
    assert page.field_value("capacity") == "12"
    assert client.get_page("/training/cohorts/new?module=NOPE").field_value("module") is None

    follow(client, client.submit("/training/cohorts/new", good(module, capacity="")))
    cohort = db.session.scalar(select(Cohort).where(Cohort.module_id == module.id))
    assert cohort.capacity == 12


def test_only_live_face_to_face_modules_can_be_chosen(signed_in, module):
    online = make_module(DeliveryMode.E_LEARNING)
    retired = make_module()
    retired.retired_at = datetime.now(UTC)
    client, _ = signed_in(Role.LD_LEAD)
    page = client.get_page("/training/cohorts/new")
    options = [o["value"] for o in page.soup.select('select[name="module"] option')]
    assert module.code in options
    assert online.code not in options and retired.code not in options

    response = client.submit("/training/cohorts/new", good(online))
    assert client.page(response).error_summary == ["Select a module from the list"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"module": ""}, "Select a module"),
        ({"date": ["", "", ""]}, "Enter the date of the cohort"),
        ({"date": [str(DAY.day), "", str(DAY.year)]}, "Date of the cohort must include a month"),
        ({"date": ["31", "2", str(DAY.year)]}, "Date of the cohort must be a real date"),
        (
            {"date": ["1", "1", "2020"]},
            "Date of the cohort must be today or in the future",
        ),
        ({"start_time": ""}, "Enter a start time"),
        ({"start_time": "9am"}, "Enter a start time in the format 09:30"),
        ({"start_time": "24:00"}, "Enter a start time in the format 09:30"),
        ({"end_time": "4.30pm"}, "Enter an end time in the format 09:30"),
        ({"end_time": "09:30"}, "The end time must be after the start time"),
        ({"end_time": "08:00"}, "The end time must be after the start time"),
        ({"place": "  "}, "Enter where the cohort takes place"),
        ({"place": "x" * 201}, "Place must be 200 characters or fewer"),
        ({"capacity": "0"}, "Number of places must be a whole number from 1 to 200"),
        ({"capacity": "201"}, "Number of places must be a whole number from 1 to 200"),
        ({"capacity": "ten"}, "Number of places must be a whole number from 1 to 200"),
    ],
)
def test_bad_input_gets_a_govuk_error_and_keeps_what_was_typed(signed_in, module, changes, message):
    client, _ = signed_in(Role.LD_LEAD)
    data = good(module, **changes)

    response = client.submit("/training/cohorts/new", data)

    assert response.status_code == 200
    page = client.page(response)
    assert page.title.startswith("Error: ")
    assert page.error_summary == [message]
    assert page.inline_errors == [message]
    for name in ("start_time", "end_time", "place", "capacity"):
        assert page.field_value(name) == data[name].strip(), name
    assert (page.field_value("module") or "") == data["module"]
    day_parts = [i.get("value", "") for i in page.soup.select('input[name="date"]')]
    assert day_parts == data["date"]
    assert db.session.scalar(select(Cohort).where(Cohort.module_id == module.id)) is None
    assert actions() == []


def test_a_start_time_already_passed_today_is_refused_by_the_service(signed_in, module):
    client, _ = signed_in(Role.LD_LEAD)
    today = london_today()
    data = good(module, date=[str(today.day), str(today.month), str(today.year)])
    data.update(start_time="00:00", end_time="00:01")

    page = client.page(client.submit("/training/cohorts/new", data))

    assert page.error_summary == ["The start time must be in the future"]
    assert page.field_value("place") == data["place"]


# Listing --------------------------------------------------------------------------------


def test_the_schedule_lists_upcoming_cohorts_soonest_first(
    signed_in, make_cohort, module, factories
):
    later = make_cohort(capacity=1, day=DAY + timedelta(days=7))
    sooner = make_cohort(capacity=3)
    cancelled = make_cohort(day=DAY + timedelta(days=1))
    cancelled.cancelled_at = datetime.now(UTC)
    other = make_module()
    other_cohort = make_cohort(of=other, day=DAY + timedelta(days=2))
    for _ in range(2):
        book_place(person(factories, Role.PRACTITIONER), later, datetime.now(UTC))
    client, _ = signed_in(Role.SPO)

    page = client.get_page("/training/cohorts/")

    rows = page.table_rows("#upcoming")
    assert [r[1].split(" cohort of")[0] for r in rows] == [
        f"{d.day} {d:%B %Y}" for d in (DAY, DAY + timedelta(days=2), DAY + timedelta(days=7))
    ]
    assert rows[0] == [
        f"{module.code} {module.title}",
        f"{DAY.day} {DAY:%B %Y} cohort of {module.code}",
        "9:30am to 4:30pm",
        "Leicester office",
        "3 places left",
    ]
    assert rows[2][4] == "Full: 1 waiting"
    links = [a["href"] for a in page.soup.select("#upcoming a")]
    assert f"/training/modules/{module.code}" in links
    assert f"/training/cohorts/{sooner.id}" in links
    assert f"/training/cohorts/{cancelled.id}" not in links
    assert "Your bookings" not in page.text and "Schedule a cohort" not in page.text

    filtered = client.get_page(f"/training/cohorts/?module={other.code}")
    assert [a["href"] for a in filtered.soup.select("#upcoming a[href*='/cohorts/']")] == [
        f"/training/cohorts/{other_cohort.id}"
    ]
    unknown = client.get_page("/training/cohorts/?module=NOT-A-MODULE")
    assert len(unknown.table_rows("#upcoming")) == 3


def test_ld_leads_see_the_schedule_button_and_past_cohorts(signed_in, make_cohort, module):
    current = make_cohort()
    # Cohorts that have run cannot be scheduled through the service: write them directly.
    start = datetime.now(UTC) - timedelta(days=3)
    for n in range(27):
        db.session.add(
            Cohort(
                module=module,
                starts_at=start - timedelta(days=n),
                ends_at=start - timedelta(days=n) + timedelta(hours=6),
                place=f"Old venue {n}",
                capacity=5,
                booked_count=4,
            )
        )
    db.session.flush()
    client, _ = signed_in(Role.LD_LEAD)

    page = client.get_page("/training/cohorts/")
    assert page.soup.select_one("a[href='/training/cohorts/new']").get_text(strip=True) == (
        "Schedule a cohort"
    )
    page = client.get_page("/training/cohorts/past")
    rows = page.table_rows("#past")
    assert len(rows) == 25
    assert rows[0][2] == "Old venue 0" and rows[0][3] == "4 of 5 places taken"
    assert f"/training/cohorts/{current.id}" not in [a["href"] for a in page.soup.select("main a")]
    page2 = client.get_page("/training/cohorts/past?page=2")
    assert [r[2] for r in page2.table_rows("#past")] == ["Old venue 25", "Old venue 26"]
    client.get_page("/training/cohorts/past?page=nonsense")


# Booking --------------------------------------------------------------------------------


def test_a_practitioner_books_a_place_then_the_waiting_list_fills(signed_in, make_cohort, module):
    cohort = make_cohort(capacity=1)
    first, ann = signed_in(Role.PRACTITIONER)
    second, ben = signed_in(Role.PRACTITIONER)
    url = f"/training/cohorts/{cohort.id}"

    page = first.get_page(url)
    assert page.soup.select_one("#your-status").get_text(strip=True) == (
        "You have not booked this cohort."
    )
    assert page.soup.select_one(f"form[action='{url}/book'] button").get_text(strip=True) == (
        "Book a place"
    )
    page = follow(first, first.submit(f"{url}/book", form_url=url))
    name = f"{module.code} {module.title} on {DAY.day} {DAY:%B %Y}"
    assert banner(page) == f"Success You have a place on {name}"
    assert "Cancel your booking" in page.text

    page = second.get_page(url)
    assert "Full: 0 waiting" in page.text
    button = page.soup.select_one(f"form[action='{url}/book'] button")
    assert button.get_text(strip=True) == "Join the waiting list"
    page = follow(second, second.submit(f"{url}/book", form_url=url))
    assert banner(page) == f"Success You are number 1 on the waiting list for {name}"

    assert [(b.practitioner_id, b.status) for b in cohort.bookings] == [
        (ann.id, "booked"),
        (ben.id, "waiting"),
    ]
    assert actions() == ["cohort.schedule", "cohort.book", "cohort.join_waiting_list"]
    index = second.get_page("/training/cohorts/")
    assert index.table_rows("#your-bookings")[0][2] == "Waiting list, position 1"
    index = first.get_page("/training/cohorts/")
    assert index.table_rows("#your-bookings")[0][2] == "Booked"
    assert index.text.index("Your bookings") < index.text.index("Upcoming cohorts")


def test_booking_updates_the_learning_plan_item(signed_in, make_cohort, module):
    cohort = make_cohort()
    client, practitioner = signed_in(Role.PRACTITIONER)
    item = PlanItem(
        practitioner_id=practitioner.id,
        module_id=module.id,
        status=PlanStatus.PLANNED,
        source=PlanSource.CHOSEN,
    )
    db.session.add(item)
    db.session.flush()
    url = f"/training/cohorts/{cohort.id}"

    follow(client, client.submit(f"{url}/book", form_url=url))

    db.session.refresh(item)
    assert item.status == PlanStatus.BOOKED


@pytest.mark.parametrize("state", ["booked", "cancelled", "started"])
def test_refusals_come_back_as_an_error_on_the_cohort_page(signed_in, make_cohort, module, state):
    cohort = make_cohort()
    client, practitioner = signed_in(Role.PRACTITIONER)
    url = f"/training/cohorts/{cohort.id}"
    token = client.csrf_token("/training/cohorts/")
    if state == "booked":
        book_place(practitioner, cohort, datetime.now(UTC))
        message = "You already have a place on this cohort"
    elif state == "cancelled":
        cohort.cancelled_at = datetime.now(UTC)
        message = "This cohort has been cancelled"
    else:
        cohort.starts_at = datetime.now(UTC) - timedelta(minutes=5)
        message = "This cohort has already started"
    db.session.flush()
    before = actions()

    response = client.post(f"{url}/book", data={"csrf_token": token})

    assert response.status_code == 200
    page = client.page(response)
    assert page.title.startswith("Error: ")
    assert page.error_summary == [message]
    assert page.soup.select_one("#cohort-details") is not None
    assert actions() == before
    assert len([b for b in cohort.bookings if b.status != "cancelled"]) == (
        1 if state == "booked" else 0
    )
    if state != "booked":
        assert page.soup.select_one("#cohort-state") is not None
        assert page.soup.select_one(f"form[action='{url}/book']") is None


def test_cancelling_a_place_passes_it_to_the_first_person_waiting(signed_in, make_cohort, module):
    cohort = make_cohort(capacity=1)
    first, ann = signed_in(Role.PRACTITIONER, name="Ann Holder")
    second, ben = signed_in(Role.PRACTITIONER, name="Ben Waiting")
    third, cat = signed_in(Role.PRACTITIONER, name="Cat Later")
    for who in (ann, ben, cat):
        book_place(who, cohort, datetime.now(UTC))
    url = f"/training/cohorts/{cohort.id}"
    assert "number 2 on the waiting list" in third.get_page(url).text

    page = first.get_page(f"{url}/cancel-booking")
    assert page.h1 == "Are you sure you want to cancel your booking?"
    page = follow(first, first.submit(f"{url}/cancel-booking"))

    assert banner(page) == (
        f"Success Your booking on {module.code} {module.title} on {DAY.day} {DAY:%B %Y}"
        " is cancelled. Your place was passed to the next person on the waiting list"
    )
    assert "Ben" not in page.text
    assert "You have a place on this cohort." in second.get_page(url).text
    assert "You are number 1 on the waiting list" in third.get_page(url).text
    assert "You have not booked this cohort." in page.text
    assert actions()[-2:] == ["cohort.cancel_booking", "cohort.promote_from_waiting_list"]
    # The booking is gone: its confirm page is no longer there.
    first.get_page(f"{url}/cancel-booking", status=404)


def test_an_ld_lead_cancels_someones_booking_and_sees_who_moved_up(signed_in, make_cohort, module):
    cohort = make_cohort(capacity=1)
    _, ann = signed_in(Role.PRACTITIONER, name="Ann Holder")
    _, ben = signed_in(Role.PRACTITIONER, name="Ben Waiting")
    held = book_place(ann, cohort, datetime.now(UTC))
    book_place(ben, cohort, datetime.now(UTC))
    client, lead = signed_in(Role.LD_LEAD)
    url = f"/training/cohorts/{cohort.id}/bookings/{held.id}/cancel"

    assert "Ann Holder" in client.get_page(url).text
    page = follow(client, client.submit(url))

    assert banner(page) == (
        "Success Ann Holder's booking is cancelled. The place was passed to the next person"
        " on the waiting list, Ben Waiting"
    )
    assert [r[0] for r in page.table_rows("#booked")] == ["Ben Waiting"]
    assert page.soup.select_one("#waiting-list") is None
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "cohort.cancel_booking")
    )
    assert event.actor_id == lead.id
    client.get_page(url, status=404)


def test_names_are_shown_only_to_ld_leads_and_admins(signed_in, make_cohort, module):
    cohort = make_cohort(capacity=1)
    _, ann = signed_in(Role.PRACTITIONER, name="Ann Holder")
    _, ben = signed_in(Role.PRACTITIONER, name="Ben Waiting")
    book_place(ann, cohort, datetime.now(UTC))
    book_place(ben, cohort, datetime.now(UTC))
    url = f"/training/cohorts/{cohort.id}"
    for role in ROLES:
        client, _ = signed_in(role)
        page = client.get_page(url)
        details = page.soup.select_one("#cohort-details").get_text(" ", strip=True)
        assert "Booked 1" in details and "Waiting list 1" in details
        if role in MANAGERS:
            assert page.table_rows("#booked") == [
                ["Ann Holder", ann.team.name, "Cancel the booking of Ann Holder"]
            ]
            assert page.table_rows("#waiting-list") == [
                ["1", "Ben Waiting", ben.team.name, "Cancel the booking of Ben Waiting"]
            ]
        else:
            assert "Ann Holder" not in page.text and "Ben Waiting" not in page.text, role
            assert page.soup.select_one("#booked, #waiting-list") is None
            assert "Cancel this cohort" not in page.text


def test_an_ld_lead_cancels_a_cohort(signed_in, make_cohort, module):
    cohort = make_cohort(capacity=1)
    practitioner_client, ann = signed_in(Role.PRACTITIONER)
    _, ben = signed_in(Role.PRACTITIONER)
    book_place(ann, cohort, datetime.now(UTC))
    book_place(ben, cohort, datetime.now(UTC))
    client, _ = signed_in(Role.LD_LEAD)
    url = f"/training/cohorts/{cohort.id}"

    page = client.get_page(f"{url}/cancel")
    assert page.h1 == "Are you sure you want to cancel this cohort?"
    assert "1 person has a place and 1 is on the waiting list" in page.text
    page = follow(client, client.submit(f"{url}/cancel"))

    assert banner(page).startswith("Success Cohort cancelled: ")
    assert "This cohort was cancelled on" in page.text
    assert "Cancel this cohort" not in page.text
    assert {b.status for b in cohort.bookings} == {"cancelled"}
    assert actions()[-1] == "cohort.cancel"
    assert f"/training/cohorts/{cohort.id}" in client.get("/training/cohorts/past").get_data(
        as_text=True
    )
    assert f"{url}" not in client.get("/training/cohorts/").get_data(as_text=True)
    # Practitioners still see the cohort, marked, and their bookings list is empty.
    page = practitioner_client.get_page(url)
    assert "This cohort was cancelled on" in page.text and "Book a place" not in page.text
    assert "You have no bookings" in practitioner_client.get_page("/training/cohorts/").text
    # A second cancellation is refused on the confirm page, without a button.
    page = client.get_page(f"{url}/cancel")
    assert page.error_summary == ["This cohort has already been cancelled"]
    assert page.soup.select_one("main form") is None
    response = client.submit(f"{url}/cancel", form_url="/training/cohorts/")
    assert client.page(response).error_summary == ["This cohort has already been cancelled"]
    assert actions().count("cohort.cancel") == 1


# Access ---------------------------------------------------------------------------------


def routes(cohort: Cohort, booking: CohortBooking) -> list[tuple[str, str, set[Role]]]:
    """(method, url, roles that may use it); everyone else gets 404."""
    base = f"/training/cohorts/{cohort.id}"
    return [
        ("get", "/training/cohorts/", set(ROLES)),
        ("get", "/training/cohorts/past", MANAGERS),
        ("get", "/training/cohorts/new", MANAGERS),
        ("get", base, set(ROLES)),
        # Only a practitioner with a booking: see test_a_practitioner_cancels_only_their_own_...
        ("get", f"{base}/cancel-booking", set()),
        ("post", f"{base}/book", {Role.PRACTITIONER}),
        ("get", f"{base}/cancel", MANAGERS),
        ("get", f"{base}/bookings/{booking.id}/cancel", MANAGERS),
    ]


def test_anonymous_visitors_are_sent_to_sign_in(client, make_cohort, factories):
    cohort = make_cohort()
    booking = book_place(person(factories, Role.PRACTITIONER), cohort, datetime.now(UTC))
    for method, url, _ in routes(cohort, booking):
        response = client.open(url, method=method.upper())
        if method == "post":
            assert response.status_code in (302, 400), url  # no CSRF token: 400
        else:
            assert response.status_code == 302, url
        if response.status_code == 302:
            assert "/sign-in" in response.headers["Location"], url


@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(signed_in, make_cohort, factories, role):
    cohort = make_cohort()
    booking = book_place(person(factories, Role.PRACTITIONER), cohort, datetime.now(UTC))
    client, _ = signed_in(role)
    token = client.csrf_token("/training/cohorts/")
    for method, url, allowed in routes(cohort, booking):
        if method == "get":
            status = client.get(url).status_code
            assert status == (200 if role in allowed else 404), (url, status)
        else:
            status = client.post(url, data={"csrf_token": token}).status_code
            assert status == (302 if role in allowed else 404), (url, status)


def test_a_practitioner_cancels_only_their_own_booking(signed_in, make_cohort, factories):
    cohort = make_cohort()
    other = book_place(person(factories, Role.PRACTITIONER), cohort, datetime.now(UTC))
    client, me = signed_in(Role.PRACTITIONER)
    url = f"/training/cohorts/{cohort.id}"
    client.get_page(f"{url}/cancel-booking", status=404)
    client.get_page(f"{url}/bookings/{other.id}/cancel", status=404)
    book_place(me, cohort, datetime.now(UTC))
    client.get_page(f"{url}/cancel-booking")
    db.session.refresh(other)
    assert other.status == "booked"


def test_unknown_and_invalid_ids_are_404(signed_in, make_cohort, factories):
    cohort = make_cohort()
    elsewhere = make_cohort(day=DAY + timedelta(days=3))
    booking = book_place(person(factories, Role.PRACTITIONER), elsewhere, datetime.now(UTC))
    client, _ = signed_in(Role.LD_LEAD)
    for url in (
        "/training/cohorts/999999",
        "/training/cohorts/99999999999999999999",
        "/training/cohorts/abc",
        "/training/cohorts/-1",
        "/training/cohorts/999999/cancel",
        f"/training/cohorts/{cohort.id}/bookings/999999/cancel",
        f"/training/cohorts/{cohort.id}/bookings/{booking.id}/cancel",  # another cohort's
    ):
        client.get_page(url, status=404)
    practitioner, _ = signed_in(Role.PRACTITIONER)
    token = practitioner.csrf_token("/training/cohorts/")
    for url in ("/training/cohorts/999999/book", "/training/cohorts/999999/cancel-booking"):
        assert practitioner.post(url, data={"csrf_token": token}).status_code == 404


# The module page ------------------------------------------------------------------------


def test_the_module_page_lists_its_cohorts(signed_in, make_cohort, module):
    cohort = make_cohort()
    cancelled = make_cohort(day=DAY + timedelta(days=1))
    cancelled.cancelled_at = datetime.now(UTC)
    db.session.flush()
    url = f"/training/modules/{module.code}"

    client, _ = signed_in(Role.LD_LEAD)
    page = client.get_page(url)
    assert page.table_rows("#module-cohorts") == [
        [
            f"{DAY.day} {DAY:%B %Y} cohort of {module.code}",
            "9:30am to 4:30pm",
            "Leicester office",
            "2 places left",
        ]
    ]
    assert page.soup.select_one("#module-cohorts a")["href"] == f"/training/cohorts/{cohort.id}"
    schedule = page.soup.select_one(f"a[href='/training/cohorts/new?module={module.code}']")
    assert schedule.get_text(strip=True) == "Schedule a cohort"

    spo, _ = signed_in(Role.SPO)
    page = spo.get_page(url)
    assert len(page.table_rows("#module-cohorts")) == 1
    assert "Schedule a cohort" not in page.text and "Add to my plan" not in page.text


def test_other_modules_have_no_cohort_section(signed_in):
    online = make_module(DeliveryMode.E_LEARNING)
    client, _ = signed_in(Role.LD_LEAD)
    page = client.get_page(f"/training/modules/{online.code}")
    assert page.soup.select_one("#module-cohorts") is None
    assert "Schedule a cohort" not in page.text


def test_a_practitioner_adds_a_module_to_their_plan_from_its_page(app, signed_in, module):
    client, practitioner = signed_in(Role.PRACTITIONER)
    url = f"/training/modules/{module.code}"

    form = client.get_page(url).soup.select_one("main form[method='post']")
    assert form["action"] == f"/my-development/plan/add/{module.code}?next={url}"
    assert form.select_one("input[name='csrf_token']") is not None
    assert form.get_text(strip=True) == "Add to my plan"

    db.session.add(
        PlanItem(
            practitioner_id=practitioner.id,
            module_id=module.id,
            status=PlanStatus.RECOMMENDED,
            source=PlanSource.RECOMMENDED,
        )
    )
    db.session.flush()
    page = client.get_page(url)
    assert page.soup.select_one("#plan-status").get_text(strip=True) == "In your learning plan"
    assert "Add to my plan" not in page.text


# Two people booking the last place at once, through the pages (PostgreSQL only) ---------


@pytest.fixture
def committed_world(app, database_url):
    """Committed rows for a race through HTTP: this test cannot run inside the rollback
    fixture, because each request needs its own connection and must see the others'
    commits. Like tests/training/test_cohort_concurrency.py, rows are uniquely named and
    deleted afterwards."""
    if not is_postgres(database_url):
        pytest.skip("Concurrent booking needs PostgreSQL: set TEST_DATABASE_URL")
    threaded = make_test_app(
        database_url, SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 6, "max_overflow": 0}
    )
    run = uuid4().hex[:12]
    with threaded.app_context():
        module = TrainingModule(
            code=f"RACE-{run.upper()}",
            title="Concurrency check",
            description="Made by the cohort pages concurrency test.",
            delivery_mode=DeliveryMode.FACE_TO_FACE,
            duration_hours=6,
            provider="Test",
            cohort_size=1,
        )
        starts_at = datetime.now(UTC) + timedelta(days=30)
        cohort = Cohort(
            module=module,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=7),
            place="Leicester office",
            capacity=1,
            booked_count=0,
        )
        db.session.add_all([module, cohort])
        db.session.flush()
        factories = Factories(db.session)
        users = [factories.user(email=f"cohort-page-race-{run}-{n}@example.test") for n in range(2)]
        db.session.commit()
        ids = {"app": threaded, "cohort_id": cohort.id, "module_id": module.id}
        ids["users"] = [(u.id, u.email) for u in users]
    yield ids
    with threaded.app_context():
        user_ids = [user_id for user_id, _ in ids["users"]]
        db.session.execute(delete(AuditEvent).where(AuditEvent.actor_id.in_(user_ids)))
        db.session.execute(delete(CohortBooking).where(CohortBooking.cohort_id == cohort.id))
        db.session.execute(delete(Cohort).where(Cohort.id == ids["cohort_id"]))
        db.session.execute(delete(TrainingModule).where(TrainingModule.id == ids["module_id"]))
        db.session.execute(delete(RoleAssignment).where(RoleAssignment.user_id.in_(user_ids)))
        db.session.execute(delete(User).where(User.id.in_(user_ids)))
        db.session.commit()
        db.engine.dispose()


def test_two_people_booking_the_last_place_at_once_through_the_pages(committed_world):
    threaded = committed_world["app"]
    url = f"/training/cohorts/{committed_world['cohort_id']}"
    clients, tokens = [], []
    for _, email in committed_world["users"]:
        client = threaded.test_client()
        client.sign_in(email)
        clients.append(client)
        tokens.append(client.csrf_token(url))
    barrier = threading.Barrier(len(clients), timeout=30)
    statuses: list[object] = [None] * len(clients)

    def book(index: int) -> None:
        try:
            barrier.wait()
            response = clients[index].post(f"{url}/book", data={"csrf_token": tokens[index]})
            statuses[index] = response.status_code
        except Exception as error:  # noqa: BLE001 - reported by the test
            statuses[index] = error

    threads = [threading.Thread(target=book, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert statuses == [302, 302]
    with threaded.app_context():
        cohort = db.session.get(Cohort, committed_world["cohort_id"])
        assert cohort.booked_count == 1
        assert sorted(b.status for b in cohort.bookings) == ["booked", "waiting"]
    texts = [client.get_page(url).text for client in clients]
    assert sorted("You have a place on this cohort." in t for t in texts) == [False, True]
    assert sum("You are number 1 on the waiting list" in t for t in texts) == 1
