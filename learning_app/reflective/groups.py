"""Group reflective sessions: a facilitator schedules one on a theme, invites practitioners
whose skill gaps include the theme, and records who attended.

Facilitators are SPOs, QDOs and L&D leads. A session belongs to the facilitator's PDU; an
SPO invites from their own teams, a QDO or L&D lead from the whole PDU. Each function
takes the actor and the moment explicitly, flushes, writes the audit log and never
commits; a refusal raises :class:`GroupError` with a message fit to show the user and the
form field it is about.

Places: an invitation holds a place unless it was declined, and the places held never
exceed the capacity. Every change that takes a place locks the session row first
(``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite has one writer at a time), so two
changes at once queue up and the count they check is the count they leave.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterable
from datetime import date, datetime

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from learning_app.accounts.constants import Role
from learning_app.accounts.models import User
from learning_app.core import audit
from learning_app.core.time import aware, london_date
from learning_app.core.wording import clock_time, long_date
from learning_app.extensions import db
from learning_app.notifications.outbox import queue_email
from learning_app.org.models import Pdu
from learning_app.reflective import group_queries as queries
from learning_app.reflective.models import GroupInvitation, GroupSession
from learning_app.reflective.working_days import bank_holidays, is_working_day

FACILITATOR_ROLES = (Role.SPO, Role.QDO, Role.LD_LEAD)
TITLE_MAX = 200
PLACE_MAX = 200
CAPACITY_MIN = 2
CAPACITY_MAX = 40
ACCEPTED = "accepted"
DECLINED = "declined"


class GroupError(Exception):
    """A change the rules do not allow; the message is fit to show the user."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def is_facilitator(user: User) -> bool:
    return user.is_authenticated and user.has_role(*FACILITATOR_ROLES)


def has_started(session: GroupSession, now: datetime) -> bool:
    return aware(session.starts_at) <= aware(now)


# Wording ---------------------------------------------------------------------------------


def _details(session: GroupSession, theme: str) -> str:
    return (
        f"Session: {session.title}\n"
        f"Theme: {theme}\n"
        f"Date: {long_date(session.starts_at)}\n"
        f"Time: {clock_time(session.starts_at)} to {clock_time(session.ends_at)}\n"
        f"Place: {session.place}\n"
        f"Facilitator: {session.facilitator.name}"
    )


def _theme_words(session: GroupSession) -> str:
    names = queries.skill_names()
    return ", ".join(names.get(slug, slug) for slug in session.theme_skills)


# Checks ----------------------------------------------------------------------------------


def _lock(session: GroupSession) -> None:
    """Lock the session row and read it afresh, so changes to one session queue up."""
    db.session.execute(
        select(GroupSession)
        .where(GroupSession.id == session.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()


def _check_owner(actor: User, session: GroupSession) -> None:
    if session.facilitator_id != actor.id:
        raise GroupError("Only the facilitator can change this session")


def _check_open(session: GroupSession, now: datetime) -> None:
    if session.cancelled_at is not None:
        raise GroupError("This session has been cancelled")
    if has_started(session, now):
        raise GroupError("This session has already started")


def _text(value: str | None, field: str, missing: str, name: str, limit: int) -> str:
    value = " ".join((value or "").split())
    if not value:
        raise GroupError(missing, field)
    if len(value) > limit:
        raise GroupError(f"{name} must be {limit} characters or fewer", field)
    return value


def places_taken(session: GroupSession) -> int:
    """Invitations that hold a place: every one not declined."""
    return db.session.scalar(
        select(func.count(GroupInvitation.id)).where(
            GroupInvitation.session_id == session.id,
            or_(GroupInvitation.response.is_(None), GroupInvitation.response != DECLINED),
        )
    )


def places_left(session: GroupSession) -> int:
    return max(0, session.capacity - places_taken(session))


# Scheduling ------------------------------------------------------------------------------


def schedule_session(
    actor: User,
    pdu: Pdu | None,
    title: str | None,
    theme_skills: Iterable[str],
    capacity: int | None,
    starts_at: datetime | None,
    ends_at: datetime | None,
    place: str | None,
    *,
    now: datetime,
    known_skills: Collection[str],
    holidays: Collection[date] | None = None,
) -> GroupSession:
    """Schedule a session in one of the facilitator's PDUs, on a working day in the future.

    ``known_skills`` are the slugs of the published framework: the theme is one or more
    of them.
    """
    if not is_facilitator(actor):
        raise GroupError("Only SPOs, QDOs and L&D leads can schedule group sessions")
    if pdu is None or pdu.id not in {p.id for p in queries.facilitator_pdus(actor)}:
        raise GroupError("Select the PDU the session is for", "pdu")
    title = _text(title, "title", "Enter a title", "Title", TITLE_MAX)
    theme = list(dict.fromkeys(theme_skills))
    if not theme:
        raise GroupError("Select at least one skill for the theme", "theme_skills")
    if any(slug not in known_skills for slug in theme):
        raise GroupError("Select theme skills from the published framework", "theme_skills")
    if capacity is None:
        raise GroupError("Enter the number of places", "capacity")
    if not CAPACITY_MIN <= capacity <= CAPACITY_MAX:
        raise GroupError(
            f"Number of places must be a whole number from {CAPACITY_MIN} to {CAPACITY_MAX}",
            "capacity",
        )
    if starts_at is None:
        raise GroupError("Enter the date of the session", "date")
    if ends_at is None:
        raise GroupError("Enter an end time", "end_time")
    starts_at, ends_at = aware(starts_at), aware(ends_at)
    local_day = london_date(starts_at)
    if local_day < london_date(now):
        raise GroupError("Date of the session must be today or in the future", "date")
    if not is_working_day(local_day, bank_holidays() if holidays is None else holidays):
        raise GroupError(
            "Date of the session must be a working day, not a weekend or bank holiday", "date"
        )
    if starts_at <= aware(now):
        raise GroupError("The start time must be in the future", "start_time")
    if ends_at <= starts_at:
        raise GroupError("The end time must be after the start time", "end_time")
    place = _text(place, "place", "Enter where the session takes place", "Place", PLACE_MAX)
    session = GroupSession(
        uid=f"group-{uuid.uuid4()}@practice-learning",
        facilitator=actor,
        pdu_id=pdu.id,
        title=title,
        theme_skills=theme,
        capacity=capacity,
        starts_at=starts_at,
        ends_at=ends_at,
        place=place,
    )
    db.session.add(session)
    db.session.flush()
    audit.record(
        actor,
        "group_session.schedule",
        session,
        detail={"pdu_id": pdu.id, "theme": theme, "capacity": capacity},
    )
    return session


def cancel_session(actor: User, session: GroupSession, *, now: datetime) -> GroupSession:
    """Cancel a session before it starts; everyone holding a place is told by email.

    ``sequence`` goes up, so calendar clients replace the event with the cancellation.
    """
    _lock(session)
    _check_owner(actor, session)
    _check_open(session, now)
    session.cancelled_at = now
    session.sequence += 1
    db.session.flush()
    theme = _theme_words(session)
    told = 0
    for invitation in session.invitations:
        if invitation.response == DECLINED:
            continue
        person = invitation.practitioner
        queue_email(
            person,
            "group-session-cancelled",
            f"group-cancel:{session.id}:{person.id}",
            f"Cancelled: group reflective session on {long_date(session.starts_at)}",
            f"Hello {person.name},\n\n"
            "This group reflective session has been cancelled:\n\n"
            f"{_details(session, theme)}\n\n"
            "You do not need to do anything. If you added it to your calendar, "
            "your calendar feed will show it as cancelled.",
        )
        told += 1
    audit.record(actor, "group_session.cancel", session, detail={"invitees_told": told})
    return session


# Invitations -----------------------------------------------------------------------------


def invite(
    actor: User, session: GroupSession, practitioner_ids: Iterable[int], *, now: datetime
) -> list[GroupInvitation]:
    """Invite practitioners from the facilitator's scope whose gaps include the theme.

    Never more than the places left: a request for more is refused whole.
    """
    _lock(session)
    _check_owner(actor, session)
    _check_open(session, now)
    wanted = list(dict.fromkeys(practitioner_ids))
    if not wanted:
        raise GroupError("Select at least one person to invite", "practitioners")
    invitable = {c.practitioner.id: c.practitioner for c in queries.candidates(session)}
    invited = queries.invited_ids(session)
    if any(pid not in invitable or pid in invited for pid in wanted):
        raise GroupError("Select people from the list", "practitioners")
    left = places_left(session)
    if len(wanted) > left:
        if left == 0:
            raise GroupError("The session is full: there are no places left", "practitioners")
        people = "person" if left == 1 else "people"
        raise GroupError(
            f"There {'is' if left == 1 else 'are'} {left} place{'s' if left != 1 else ''} "
            f"left: select {left} {people} or fewer",
            "practitioners",
        )
    invitations = [
        GroupInvitation(session_id=session.id, practitioner_id=pid, invited_at=now)
        for pid in wanted
    ]
    try:
        with db.session.begin_nested():
            db.session.add_all(invitations)
            db.session.flush()
    except IntegrityError:
        # Only the same person invited twice at the same moment gets here.
        raise GroupError("Select people from the list", "practitioners") from None
    theme = _theme_words(session)
    for invitation in invitations:
        person = invitable[invitation.practitioner_id]
        queue_email(
            person,
            "group-session-invitation",
            f"group-invite:{session.id}:{person.id}",
            f"Invitation: group reflective session on {long_date(session.starts_at)}",
            f"Hello {person.name},\n\n"
            f"{session.facilitator.name} has invited you to a group reflective session:\n\n"
            f"{_details(session, theme)}\n\n"
            "Sign in to Practice Learning and go to Group sessions to accept or decline.",
        )
    db.session.refresh(session)
    audit.record(
        actor,
        "group_session.invite",
        session,
        detail={"practitioner_ids": wanted, "places_left": places_left(session)},
    )
    return invitations


def respond(
    practitioner: User, session: GroupSession, accept: bool, *, now: datetime
) -> GroupInvitation:
    """The invited practitioner accepts or declines; accepting after declining needs a place."""
    _lock(session)
    invitation = queries.invitation_of(session, practitioner.id)
    if invitation is None:
        raise GroupError("You have not been invited to this session")
    _check_open(session, now)
    if accept and invitation.response == DECLINED and places_left(session) == 0:
        raise GroupError("The session is full: there are no places left")
    invitation.response = ACCEPTED if accept else DECLINED
    db.session.flush()
    audit.record(
        practitioner,
        "group_session.accept" if accept else "group_session.decline",
        session,
        detail={"invitation_id": invitation.id},
    )
    return invitation


# Attendance ------------------------------------------------------------------------------


def record_attendance(
    actor: User, session: GroupSession, attended_ids: Iterable[int], *, now: datetime
) -> GroupSession:
    """Record who attended, once the session has started; the others did not attend."""
    _check_owner(actor, session)
    if session.cancelled_at is not None:
        raise GroupError("This session has been cancelled")
    if not has_started(session, now):
        raise GroupError("You can record attendance once the session has started")
    attended = set(attended_ids)
    by_person = {i.practitioner_id: i for i in session.invitations}
    if not attended <= set(by_person):
        raise GroupError("Select people from the list", "attended")
    for person_id, invitation in by_person.items():
        invitation.attended = person_id in attended
    session.attendance_recorded_at = now
    db.session.flush()
    audit.record(
        actor,
        "group_session.attendance",
        session,
        detail={"attended": len(attended), "invited": len(by_person)},
    )
    return session
