"""The SPO's capacity page: weekly capacity and leave, who may use it, and bad input."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from sqlalchemy import select

from learning_app.core.time import london_today
from learning_app.reflective.models import Leave, SpoCapacity
from tests.reflective.booking_helpers import (
    assert_gov_error,
    assert_sign_in_redirect,
    date_parts,
    people_fixture,  # noqa: F401 (the people fixture)
)

CAPACITY = "/my-capacity"
ADD_LEAVE = "/my-capacity/leave/add"
TODAY = london_today()

GOOD = {
    "sessions_per_week": "6",
    "weekdays": ["1", "3"],
    "day_starts": "09:30",
    "day_ends": "15:30",
    "slot_minutes": "45",
}


def leave_for(session, person, first_day, last_day) -> Leave:
    leave = Leave(person_id=person.id, first_day=first_day, last_day=last_day)
    session.add(leave)
    session.flush()
    return leave


def remove_url(leave: Leave) -> str:
    return f"/my-capacity/leave/{leave.id}/remove"


def capacity_of(session, spo) -> SpoCapacity:
    session.expire_all()
    return session.scalar(select(SpoCapacity).where(SpoCapacity.spo_id == spo.id))


# Access -----------------------------------------------------------------------------------


def test_signed_out_users_are_sent_to_sign_in(client, db_session, people):
    leave = leave_for(db_session, people.spo, TODAY, TODAY)
    for url in (CAPACITY, ADD_LEAVE):
        assert_sign_in_redirect(client.get(url))
    assert_sign_in_redirect(client.submit(remove_url(leave), form_url="/sign-in"))


@pytest.mark.parametrize("who", ["practitioner", "qdo", "ld_lead", "leader", "admin"])
def test_only_spos_have_a_capacity_page(client, db_session, people, who):
    leave = leave_for(db_session, people.spo, TODAY, TODAY)
    client.sign_in(people.get(who).email)
    for url in (CAPACITY, ADD_LEAVE):
        client.get_page(url, status=404)
        client.submit(url, GOOD, form_url="/home", status=404)
    client.submit(remove_url(leave), form_url="/home", status=404)
    assert db_session.get(Leave, leave.id) is not None


def test_another_spos_leave_is_not_found_and_stays(client, db_session, people):
    leave = leave_for(db_session, people.spo, TODAY, TODAY + timedelta(days=2))
    client.sign_in(people.other_spo.email)
    client.submit(remove_url(leave), form_url=CAPACITY, status=404)
    assert client.get_page(CAPACITY).table_rows("#leave-list") == []
    db_session.expire_all()
    assert db_session.get(Leave, leave.id) is not None


@pytest.mark.parametrize("leave_id", [0, 999999, 2**31, 10**30])
def test_unknown_leave_is_not_found(client, people, leave_id):
    client.sign_in(people.spo.email)
    client.submit(f"/my-capacity/leave/{leave_id}/remove", form_url=CAPACITY, status=404)


def test_removing_leave_needs_the_form_token(client, db_session, people):
    leave = leave_for(db_session, people.spo, TODAY, TODAY)
    client.sign_in(people.spo.email)
    assert client.post(remove_url(leave)).status_code == 400
    assert db_session.get(Leave, leave.id) is not None


# Weekly capacity --------------------------------------------------------------------------


def test_the_page_shows_the_capacity_in_force(client, people):
    client.sign_in(people.spo.email)
    page = client.get_page(CAPACITY)

    assert page.h1 == "Your capacity for reflective discussions"
    assert page.field_value("sessions_per_week") == "4"
    assert page.field_value("day_starts") == "10:00"
    assert page.field_value("day_ends") == "16:00"
    assert page.field_value("slot_minutes") == "60"
    ticked = [box["value"] for box in page.soup.select('input[name="weekdays"][checked]')]
    assert ticked == ["0", "1", "2", "3"]
    legends = [legend.get_text(strip=True) for legend in page.soup.select("legend")]
    assert "Which days can you hold them?" in legends


def test_an_spo_without_capacity_is_told_nothing_can_be_booked(client, db_session, people):
    db_session.delete(capacity_of(db_session, people.spo))
    db_session.flush()
    client.sign_in(people.spo.email)
    page = client.get_page(CAPACITY)
    assert "no discussion can be booked with you" in page.text
    assert page.field_value("sessions_per_week") == ""


def test_saving_capacity_changes_it(client, db_session, people):
    client.sign_in(people.spo.email)
    response = client.submit(CAPACITY, GOOD, status=302)
    assert response.headers["Location"] == CAPACITY

    capacity = capacity_of(db_session, people.spo)
    assert capacity.sessions_per_week == 6
    assert capacity.weekdays == "13"
    assert (capacity.day_starts, capacity.day_ends) == (time(9, 30), time(15, 30))
    assert capacity.slot_minutes == 45
    page = client.get_page(CAPACITY)
    assert "Your capacity for reflective discussions has been saved" in page.text
    assert page.field_value("day_starts") == "09:30"


def test_twelve_hour_times_are_understood(client, db_session, people):
    client.sign_in(people.spo.email)
    client.submit(CAPACITY, {**GOOD, "day_starts": "9am", "day_ends": "2.30pm"}, status=302)
    capacity = capacity_of(db_session, people.spo)
    assert (capacity.day_starts, capacity.day_ends) == (time(9), time(14, 30))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"sessions_per_week": ""}, "Enter how many discussions you can hold each week"),
        (
            {"sessions_per_week": "four"},
            "Discussions each week must be a whole number from 0 to 40",
        ),
        ({"sessions_per_week": "41"}, "Discussions each week must be a whole number from 0 to 40"),
        ({"sessions_per_week": "-1"}, "Discussions each week must be a whole number from 0 to 40"),
        ({"weekdays": []}, "Select the days you can hold discussions"),
        ({"weekdays": ["5"]}, "Select days from Monday to Friday"),
        ({"weekdays": ["1", "monday"]}, "Select days from Monday to Friday"),
        ({"day_starts": ""}, "Enter a start time, like 09:30"),
        ({"day_starts": "25:00"}, "Start time must be a real time, like 09:30 or 14:00"),
        ({"day_starts": "9"}, "Start time must be a real time, like 09:30 or 14:00"),
        ({"day_starts": "half nine"}, "Start time must be a real time, like 09:30 or 14:00"),
        ({"day_ends": ""}, "Enter an end time, like 16:00"),
        ({"day_ends": "13pm"}, "End time must be a real time, like 09:30 or 14:00"),
        ({"day_ends": "09:00"}, "End time must be after the start time"),
        ({"slot_minutes": ""}, "Enter how long each discussion is, in minutes"),
        (
            {"slot_minutes": "10"},
            "Length of a discussion must be a whole number of minutes from 15 to 240",
        ),
        (
            {"slot_minutes": "1.5"},
            "Length of a discussion must be a whole number of minutes from 15 to 240",
        ),
        (
            {"day_starts": "10:00", "day_ends": "11:00", "slot_minutes": "90"},
            "A 90 minute discussion does not fit between 10am and 11am",
        ),
    ],
)
def test_bad_capacity_gets_gov_uk_errors_and_keeps_what_was_typed(
    client, db_session, people, changes, message
):
    client.sign_in(people.spo.email)
    typed = {**GOOD, **changes}
    page = client.page(client.submit(CAPACITY, typed))

    assert_gov_error(page, message)
    for name in ("sessions_per_week", "day_starts", "day_ends", "slot_minutes"):
        assert page.field_value(name) == typed[name].strip()
    ticked = [box["value"] for box in page.soup.select('input[name="weekdays"][checked]')]
    assert ticked == [d for d in typed["weekdays"] if d in "01234"]
    assert capacity_of(db_session, people.spo).sessions_per_week == 4


def test_a_post_with_no_fields_at_all_names_every_question(client, people):
    client.sign_in(people.spo.email)
    page = client.page(client.submit(CAPACITY, {}))
    assert_gov_error(
        page,
        "Enter how many discussions you can hold each week",
        "Select the days you can hold discussions",
        "Enter a start time, like 09:30",
        "Enter an end time, like 16:00",
        "Enter how long each discussion is, in minutes",
    )


# Leave ------------------------------------------------------------------------------------


def test_adding_leave_lists_it_with_a_remove_button(client, db_session, people):
    first, last = TODAY + timedelta(days=14), TODAY + timedelta(days=18)
    client.sign_in(people.spo.email)
    response = client.submit(
        ADD_LEAVE, {**date_parts("first_day", first), **date_parts("last_day", last)}, status=302
    )
    assert response.headers["Location"] == CAPACITY

    page = client.get_page(CAPACITY)
    assert "Leave added" in page.text
    rows = page.table_rows("#leave-list")
    assert len(rows) == 1
    assert rows[0][0].startswith(f"{first:%A} {first.day} {first:%B %Y}")
    assert rows[0][2].startswith("Remove")
    db_session.expire_all()
    assert db_session.scalar(select(Leave).where(Leave.person_id == people.spo.id)).last_day == last


def test_removing_leave_takes_it_off_the_list(client, db_session, people):
    leave = leave_for(db_session, people.spo, TODAY + timedelta(days=3), TODAY + timedelta(days=4))
    client.sign_in(people.spo.email)
    assert len(client.get_page(CAPACITY).table_rows("#leave-list")) == 1

    client.submit(remove_url(leave), form_url=CAPACITY, status=302)
    page = client.get_page(CAPACITY)
    assert "Leave removed" in page.text
    assert "You have no leave from today." in page.text
    db_session.expire_all()
    assert db_session.get(Leave, leave.id) is None


def test_past_leave_is_not_listed(client, db_session, people):
    leave_for(db_session, people.spo, TODAY - timedelta(days=10), TODAY - timedelta(days=8))
    client.sign_in(people.spo.email)
    assert client.get_page(CAPACITY).table_rows("#leave-list") == []


@pytest.mark.parametrize(
    ("first_day", "last_day", "message"),
    [
        ([], [], "Enter the first day of your leave"),
        (["", "", ""], ["", "", ""], "Enter the last day of your leave"),
        (["7", "", ""], ["8", "12", "2030"], "First day of leave must include a month and year"),
        (["7", "12", "2030"], ["", "12", "2030"], "Last day of leave must include a day"),
        (["31", "2", "2030"], ["1", "3", "2030"], "First day of leave must be a real date"),
        (["aa", "bb", "cc"], ["1", "3", "2030"], "First day of leave must be a real date"),
        (["1", "3", "30"], ["2", "3", "2030"], "Year must include 4 numbers"),
        (
            ["9", "12", "2030"],
            ["8", "12", "2030"],
            "Last day of leave must be the same as or after the first day",
        ),
        (
            ["1", "1", "2020"],
            ["2", "1", "2020"],
            "Last day of leave must be today or in the future",
        ),
        (
            ["1", "1", "2030"],
            ["2", "1", "2031"],
            "Leave must be a year or shorter: add longer leave in parts",
        ),
    ],
)
def test_bad_leave_gets_gov_uk_errors_and_keeps_what_was_typed(
    client, db_session, people, first_day, last_day, message
):
    client.sign_in(people.spo.email)
    data = {}
    if first_day:
        data["first_day"] = first_day
    if last_day:
        data["last_day"] = last_day
    page = client.page(client.submit(ADD_LEAVE, data))

    assert_gov_error(page, message)
    typed_days = [box.get("value", "") for box in page.soup.select('input[name="first_day"]')]
    assert typed_days == [(first_day or ["", "", ""])[i].strip() for i in range(3)]
    assert db_session.scalars(select(Leave).where(Leave.person_id == people.spo.id)).all() == []


def test_the_leave_legends_name_the_dates(client, people):
    client.sign_in(people.spo.email)
    page = client.get_page(ADD_LEAVE)
    legends = [legend.get_text(strip=True) for legend in page.soup.select("legend")]
    assert legends == ["First day of leave", "Last day of leave"]
