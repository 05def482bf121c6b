"""Group reflective session pages: facilitators schedule, invite, cancel and record
attendance; invited practitioners see their invitations and answer them; everyone else
gets 404. Bad input gets GOV.UK errors, keeps what was typed and never gives a 500."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from learning_app.accounts.constants import Grade, Role
from learning_app.core.time import utc_now
from learning_app.extensions import db
from learning_app.notifications.models import OutboxMessage
from learning_app.reflective.models import GroupInvitation, GroupSession
from tests.reflective.group_helpers import (
    DAY,
    THEME,
    build_world,
    make_session,
    next_weekend_day,
)


@pytest.fixture
def world(factories, db_session, published_framework):
    return build_world(factories, db_session)


BASE = "/group-sessions"


@pytest.fixture
def as_user(make_client):
    def sign_in(user):
        client = make_client()
        client.sign_in(user.email)
        return client

    return sign_in


def banner(page) -> str:
    found = page.soup.select_one(".govuk-notification-banner")
    return " ".join(found.get_text(" ", strip=True).split()) if found else ""


def follow(client, response):
    assert response.status_code == 302, client.page(response).error_summary
    return client.get_page(response.headers["Location"])


def sessions() -> int:
    return db.session.scalar(select(func.count(GroupSession.id)))


def invitations() -> int:
    return db.session.scalar(select(func.count(GroupInvitation.id)))


def good(**changes) -> dict:
    data = {
        "title": "Risk analysis in practice",
        "theme_skills": THEME,
        "capacity": "6",
        "date": [str(DAY.day), str(DAY.month), str(DAY.year)],
        "start_time": "10:00",
        "end_time": "11:30",
        "place": "Leicester office, room 2",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


# Access ----------------------------------------------------------------------------------

ROUTES = ["", "/invite", "/cancel", "/attendance"]


def _people(world, factories):
    return {
        "owner": world.spo,
        "other spo": next(u for u in [factories.spo(world.other_team, name="Another Spo")] if u),
        "qdo": world.qdo,
        "ld lead": world.ld_lead,
        "invited": world.ann,
        "not invited": world.bob,
        "leader": factories.user(role=Role.LEADER, scope=world.pdu, grade=Grade.OTHER),
        "admin": factories.admin(),
    }


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("owner", {"", "/invite", "/cancel", "/attendance"}),
        ("invited", {""}),
        ("other spo", set()),
        ("qdo", set()),
        ("ld lead", set()),
        ("not invited", set()),
        ("leader", set()),
        ("admin", set()),
    ],
)
def test_who_sees_each_session_page(world, factories, as_user, who, allowed):
    session = make_session(db.session, world.spo, world.pdu, invited=(world.ann,))
    client = as_user(_people(world, factories)[who])
    for route in ROUTES:
        response = client.get(f"{BASE}/{session.id}{route}")
        expected = 200 if route in allowed else 404
        assert response.status_code == expected, (route, response.status_code)
    token = client.csrf_token(f"{BASE}/")
    before = (invitations(), session.sequence)
    for route in ["/invite", "/cancel", "/attendance", "/accept", "/decline"]:
        response = client.post(
            f"{BASE}/{session.id}{route}",
            data={"csrf_token": token, "practitioners": [world.bob.id], "attended": []},
        )
        answering = route in ("/accept", "/decline")
        if (who == "owner" and not answering) or (who == "invited" and answering):
            assert response.status_code in (200, 302), route
        else:
            assert response.status_code == 404, (route, response.status_code)
    if who not in ("owner", "invited"):
        db.session.refresh(session)
        assert (invitations(), session.sequence) == before


@pytest.mark.parametrize("path", ["/", "/new", "/1", "/1/invite", "/1/cancel", "/1/attendance"])
def test_anonymous_people_are_sent_to_sign_in(client, path):
    response = client.get(BASE + path)
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]


@pytest.mark.parametrize("role", [Role.LEADER, Role.ADMIN])
def test_roles_that_neither_facilitate_nor_attend_get_404(factories, as_user, role):
    scope = factories.pdu() if role == Role.LEADER else None
    client = as_user(factories.user(role=role, scope=scope, grade=Grade.OTHER))
    assert client.get(f"{BASE}/").status_code == 404
    assert client.get(f"{BASE}/new").status_code == 404


def test_practitioners_cannot_schedule(world, as_user):
    assert as_user(world.ann).get(f"{BASE}/new").status_code == 404


@pytest.mark.parametrize("session_id", ["0", "99999999999", "abc"])
def test_odd_ids_are_not_found(world, as_user, session_id):
    assert as_user(world.spo).get(f"{BASE}/{session_id}").status_code == 404


# Scheduling ------------------------------------------------------------------------------


def test_an_spo_schedules_a_session_in_their_pdu(world, as_user):
    client = as_user(world.spo)
    page = client.get_page(f"{BASE}/new")
    assert page.h1 == "Schedule a group session"
    assert page.field_value("pdu") is None  # one PDU: nothing to ask
    legends = [legend.get_text(strip=True) for legend in page.soup.select("legend")]
    assert legends == ["Theme", "Date"]

    page = follow(client, client.submit(f"{BASE}/new", good()))

    session = db.session.scalar(select(GroupSession))
    assert session.pdu_id == world.pdu.id
    assert banner(page).startswith("Success Group session scheduled: Risk analysis in practice on ")
    details = page.soup.select_one("#session-details").get_text(" ", strip=True)
    assert "10am to 11:30am (UK time)" in details
    assert "Risk of serious harm analysis, Safeguarding enquiries" in details
    assert "6 (6 left)" in details


def test_a_facilitator_of_two_pdus_chooses_one(world, factories, as_user):
    second = factories.pdu(world.pdu.region, name="Another PDU")
    qdo = factories.user(roles=((Role.QDO, world.pdu), (Role.QDO, second)), grade=Grade.OTHER)
    client = as_user(qdo)
    page = client.get_page(f"{BASE}/new")
    assert [o.get_text() for o in page.soup.select("#pdu option")] == [
        "Select a PDU",
        "Another PDU",
        "Leicester PDU",
    ]
    page = client.page(client.submit(f"{BASE}/new", good()))
    assert page.error_summary == ["Select the PDU the session is for"]
    page = client.page(client.submit(f"{BASE}/new", good(pdu="999999")))
    assert page.error_summary == ["Select the PDU the session is for"]
    follow(client, client.submit(f"{BASE}/new", good(pdu=str(second.id))))
    assert db.session.scalar(select(GroupSession.pdu_id)) == second.id


WEEKEND = next_weekend_day(DAY)
PAST = DAY - timedelta(days=60)


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"title": ""}, "Enter a title"),
        ({"title": "x" * 201}, "Title must be 200 characters or fewer"),
        ({"title": "Talk with Mr Smith"}, "Title"),
        ({"title": "<script>x</script>"}, "Title must not include HTML"),
        ({"theme_skills": None}, "Select at least one skill for the theme"),
        ({"theme_skills": ["made-up"]}, "Select theme skills from the published framework"),
        ({"capacity": ""}, "Enter the number of places"),
        ({"capacity": "1"}, "Number of places must be a whole number from 2 to 40"),
        ({"capacity": "41"}, "Number of places must be a whole number from 2 to 40"),
        ({"capacity": "ten"}, "Number of places must be a whole number from 2 to 40"),
        ({"date": None}, "Enter the date of the session"),
        ({"date": ["31", "2", str(DAY.year)]}, "Date of the session must be a real date"),
        ({"date": ["1", "", ""]}, "Date of the session must include a month and year"),
        ({"date": ["1"]}, "Date of the session must include a month and year"),
        (
            {"date": [str(WEEKEND.day), str(WEEKEND.month), str(WEEKEND.year)]},
            "Date of the session must be a working day",
        ),
        (
            {"date": [str(PAST.day), str(PAST.month), str(PAST.year)]},
            "Date of the session must be today or in the future",
        ),
        ({"start_time": ""}, "Enter a start time"),
        ({"start_time": "25:00"}, "Enter a start time in the format 09:30"),
        ({"end_time": "09:00"}, "The end time must be after the start time"),
        ({"end_time": "noon"}, "Enter an end time in the format 09:30"),
        ({"place": " "}, "Enter where the session takes place"),
        ({"place": "p" * 201}, "Place must be 200 characters or fewer"),
    ],
)
def test_bad_scheduling_input_gets_govuk_errors_and_loses_nothing(world, as_user, changes, error):
    client = as_user(world.ld_lead)
    response = client.submit(f"{BASE}/new", good(**changes))
    assert response.status_code == 200
    page = client.page(response)
    assert page.title.startswith("Error: ")
    assert any(e.startswith(error) for e in page.error_summary), page.error_summary
    if "title" not in changes:
        assert page.field_value("title") == "Risk analysis in practice"
    if "place" not in changes:
        assert page.field_value("place") == "Leicester office, room 2"
    if "capacity" not in changes:
        assert page.field_value("capacity") == "6"
    assert sessions() == 0


def test_an_empty_post_gets_every_error_not_a_500(world, as_user):
    client = as_user(world.qdo)
    page = client.page(client.submit(f"{BASE}/new", {}))
    assert page.error_summary == [
        "Enter a title",
        "Select at least one skill for the theme",
        "Enter the number of places",
        "Enter the date of the session",
        "Enter a start time",
        "Enter an end time",
        "Enter where the session takes place",
    ]


def test_a_facilitator_without_a_unit_is_told_why(factories, as_user, published_framework):
    # An L&D lead of a region that has no PDUs yet.
    client = as_user(factories.user(role=Role.LD_LEAD, scope=factories.region(), grade=Grade.OTHER))
    page = client.get_page(f"{BASE}/new")
    assert page.soup.select_one("#no-unit")
    response = client.submit(f"{BASE}/new", good())
    assert response.status_code == 200
    assert sessions() == 0


# Inviting --------------------------------------------------------------------------------


def test_the_invite_page_lists_gaps_on_the_theme_largest_first(world, as_user):
    session = make_session(db.session, world.ld_lead, world.pdu, capacity=3)
    client = as_user(world.ld_lead)
    page = client.get_page(f"{BASE}/{session.id}/invite")
    labels = [lab.get_text(strip=True) for lab in page.soup.select(".govuk-checkboxes__label")]
    assert labels == ["Ann Able", "Dan Dean", "Bob Brown"]  # L&D leads see names
    hints = [h.get_text(" ", strip=True) for h in page.soup.select(".govuk-checkboxes__hint")]
    assert hints[0] == (
        "City North. Risk of serious harm analysis: gap 1.5 (level 1.5, target 3); "
        "Safeguarding enquiries: gap 1.0 (level 2.0, target 3)"
    )
    assert "3 places left" in page.text

    page = follow(
        client,
        client.submit(
            f"{BASE}/{session.id}/invite", {"practitioners": [world.ann.id, world.dan.id]}
        ),
    )
    assert banner(page).startswith("Success 2 people invited to ")
    assert page.table_rows("#invited") == [
        ["Ann Able", "Not answered", "Not recorded"],
        ["Dan Dean", "Not answered", "Not recorded"],
    ]
    keys = set(db.session.scalars(select(OutboxMessage.dedupe_key)))
    assert keys == {
        f"group-invite:{session.id}:{world.ann.id}",
        f"group-invite:{session.id}:{world.dan.id}",
    }

    page = client.get_page(f"{BASE}/{session.id}/invite")
    labels = [lab.get_text(strip=True) for lab in page.soup.select(".govuk-checkboxes__label")]
    assert labels == ["Bob Brown"]
    assert [li.get_text() for li in page.soup.select("#already-invited li")] == [
        "Ann Able",
        "Dan Dean",
    ]


@pytest.mark.parametrize(
    ("sent", "error"),
    [
        ([], "Select at least one person to invite"),
        (["abc"], "Select people from the list"),
        (["99999999"], "Select people from the list"),
        ("cat", "Select people from the list"),  # no gap on the theme: not offered
    ],
)
def test_bad_invitations_are_refused(world, as_user, sent, error):
    session = make_session(db.session, world.spo, world.pdu)
    client = as_user(world.spo)
    values = [world.cat.id] if sent == "cat" else sent
    response = client.submit(f"{BASE}/{session.id}/invite", {"practitioners": values})
    page = client.page(response)
    assert response.status_code == 200
    assert page.title.startswith("Error: ")
    assert page.error_summary == [error]
    assert invitations() == 0


def test_a_tampered_form_never_invites_more_than_the_places(world, as_user):
    session = make_session(db.session, world.qdo, world.pdu, capacity=2)
    client = as_user(world.qdo)
    everyone = [world.ann.id, world.bob.id, world.dan.id]
    response = client.submit(f"{BASE}/{session.id}/invite", {"practitioners": everyone})
    page = client.page(response)
    assert page.error_summary == ["There are 2 places left: select 2 people or fewer"]
    # What was ticked stays ticked.
    ticked = {int(i["value"]) for i in page.soup.select('input[name="practitioners"][checked]')}
    assert ticked == set(everyone)
    assert invitations() == 0

    follow(client, client.submit(f"{BASE}/{session.id}/invite", {"practitioners": everyone[:2]}))
    page = client.get_page(f"{BASE}/{session.id}/invite")
    assert page.soup.select_one("#full")
    response = client.post(
        f"{BASE}/{session.id}/invite",
        data={"csrf_token": client.csrf_token(f"{BASE}/"), "practitioners": [world.dan.id]},
    )
    assert client.page(response).error_summary == ["The session is full: there are no places left"]
    assert invitations() == 2


# Practitioners ---------------------------------------------------------------------------


def test_practitioners_see_their_invitations_and_answer_them(world, as_user):
    session = make_session(db.session, world.spo, world.pdu, invited=(world.ann, world.bob))
    client = as_user(world.ann)
    page = client.get_page(f"{BASE}/")
    assert page.soup.select_one("#your-invitations").get_text() == "Your invitations"
    assert page.table_rows("#invitations")[0][0] == "Risk analysis in practice"
    assert page.table_rows("#invitations")[0][4] == "Not answered"
    assert page.soup.select_one("#your-sessions") is None

    page = client.get_page(f"{BASE}/{session.id}")
    # Never the other people invited, nor anyone's gaps.
    assert "Bob Brown" not in page.text
    assert "gap" not in page.text.lower()

    page = follow(
        client, client.submit(f"{BASE}/{session.id}/accept", form_url=f"{BASE}/{session.id}")
    )
    assert banner(page).startswith("Success You accepted the invitation to ")
    assert (
        page.soup.select_one("#your-answer").get_text(strip=True) == "You accepted this invitation."
    )
    page = follow(
        client, client.submit(f"{BASE}/{session.id}/decline", form_url=f"{BASE}/{session.id}")
    )
    assert "You declined this invitation." in page.text


def test_answering_a_cancelled_session_is_refused_on_the_page(world, as_user):
    session = make_session(
        db.session, world.spo, world.pdu, invited=(world.ann,), cancelled_at=utc_now()
    )
    client = as_user(world.ann)
    response = client.submit(f"{BASE}/{session.id}/accept", form_url=f"{BASE}/")
    page = client.page(response)
    assert response.status_code == 200
    assert page.title.startswith("Error: ")
    assert page.error_summary == ["This session has been cancelled"]


def test_an_answer_without_a_csrf_token_changes_nothing(world, as_user):
    session = make_session(db.session, world.spo, world.pdu, invited=(world.ann,))
    response = as_user(world.ann).post(f"{BASE}/{session.id}/accept")
    assert response.status_code in (200, 400)
    assert db.session.scalar(select(GroupInvitation.response)) is None


# Cancelling and attendance ----------------------------------------------------------------


def test_a_facilitator_cancels_after_confirming(world, as_user):
    session = make_session(db.session, world.spo, world.pdu, invited=(world.ann,))
    client = as_user(world.spo)
    page = client.get_page(f"{BASE}/{session.id}/cancel")
    assert page.h1 == "Are you sure you want to cancel this session?"
    assert "1 person holds a place" in page.text
    assert session.cancelled_at is None

    page = follow(client, client.submit(f"{BASE}/{session.id}/cancel"))
    db.session.refresh(session)
    assert session.cancelled_at is not None and session.sequence == 1
    assert (
        page.soup.select_one("#session-state").get_text(strip=True) == "This session was cancelled."
    )
    keys = set(db.session.scalars(select(OutboxMessage.dedupe_key)))
    assert keys == {f"group-cancel:{session.id}:{world.ann.id}"}

    page = client.get_page(f"{BASE}/{session.id}/cancel")
    assert page.error_summary == ["This session has already been cancelled"]
    client.submit(f"{BASE}/{session.id}/cancel", form_url=f"{BASE}/")
    db.session.refresh(session)
    assert session.sequence == 1


def test_attendance_is_recorded_after_the_start(world, as_user):
    started = utc_now() - timedelta(hours=1)
    session = make_session(
        db.session, world.spo, world.pdu, starts_at=started, invited=(world.ann, world.bob)
    )
    client = as_user(world.spo)
    page = client.get_page(f"{BASE}/{session.id}/attendance")
    assert [lab.get_text(strip=True) for lab in page.soup.select(".govuk-checkboxes__label")] == [
        "Ann Able",
        "Bob Brown",
    ]
    page = follow(
        client, client.submit(f"{BASE}/{session.id}/attendance", {"attended": [world.ann.id]})
    )
    assert page.table_rows("#invited") == [
        ["Ann Able", "Not answered", "Attended"],
        ["Bob Brown", "Not answered", "Did not attend"],
    ]
    # The page shows what was recorded, to correct it.
    page = client.get_page(f"{BASE}/{session.id}/attendance")
    assert [i["value"] for i in page.soup.select('input[name="attended"][checked]')] == [
        str(world.ann.id)
    ]
    response = client.submit(f"{BASE}/{session.id}/attendance", {"attended": ["abc"]})
    assert client.page(response).error_summary == ["Select people from the list"]
    response = client.submit(f"{BASE}/{session.id}/attendance", {"attended": [world.dan.id]})
    assert client.page(response).error_summary == ["Select people from the list"]


def test_attendance_waits_for_the_start(world, as_user):
    session = make_session(db.session, world.spo, world.pdu, invited=(world.ann,))
    client = as_user(world.spo)
    page = client.get_page(f"{BASE}/{session.id}/attendance")
    assert page.error_summary == ["You can record attendance once the session has started"]
    response = client.submit(f"{BASE}/{session.id}/attendance", {"attended": [world.ann.id]})
    assert response.status_code == 200
    assert db.session.scalar(select(GroupInvitation.attended)) is None


def test_facilitators_see_their_sessions_on_the_index(world, as_user):
    make_session(db.session, world.spo, world.pdu, invited=(world.ann,))
    make_session(db.session, world.spo, world.pdu, starts_at=utc_now() - timedelta(days=3))
    make_session(db.session, world.qdo, world.pdu)  # not theirs
    page = as_user(world.spo).get_page(f"{BASE}/")
    upcoming = page.table_rows("#upcoming-sessions")
    assert len(upcoming) == 1 and upcoming[0][-1] == "1 of 4"
    assert page.table_rows("#past-sessions")[0][-1] == "Attendance not recorded"
    assert page.soup.select_one("#your-invitations") is None
