"""Private calendar feeds: each user's reflective discussions and group sessions as iCalendar.

A feed is reached by a secret token in its address, so calendar apps (Outlook's "subscribe
from web") can fetch it without signing in. The token is the only authority:

- it is 32 random bytes (``secrets.token_urlsafe``), shown to its owner once;
- only its SHA-256 digest is stored (``CalendarFeed.token_digest``), so a copy of the
  database gives no working address, and a lookup compares digests, never the token, so
  how long a comparison takes says nothing about the token;
- resetting it replaces the digest: the old address stops working at once.

The feed lists the user's one-to-one discussions (as practitioner or SPO) that are booked,
waiting for sign-off or signed, and cancelled ones marked ``STATUS:CANCELLED`` so that
calendar apps drop them; and the group sessions they facilitate or have accepted. Each event
keeps the ``uid`` of its row and carries its ``sequence``, so a move or a cancellation
updates the entry already in the calendar instead of adding another. Times are UTC. Nothing
about a case, and nothing written in a discussion, is ever in a feed.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from icalendar import Calendar, Event
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from learning_app.accounts.models import User
from learning_app.core import audit
from learning_app.core.time import aware
from learning_app.core.tokens import TOKEN_CHARACTERS, digest_matches, new_token, token_digest
from learning_app.extensions import db
from learning_app.reflective.models import (
    CalendarFeed,
    Discussion,
    DiscussionStatus,
    GroupInvitation,
    GroupSession,
)

TOKEN_PATTERN = re.compile(TOKEN_CHARACTERS)
DAYS_BACK = 90
DAYS_AHEAD = 180
PRODUCT_ID = "-//Practice Learning//Reflective discussions//EN"
REFRESH = timedelta(hours=1)

SHOWN = (
    DiscussionStatus.BOOKED,
    DiscussionStatus.RECORDED,
    DiscussionStatus.SIGNED,
    DiscussionStatus.CANCELLED,
)


class CalendarError(Exception):
    """A change to a calendar link that cannot be made; the message is fit to show."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


# Tokens --------------------------------------------------------------------------------


def feed_of(user: User) -> CalendarFeed | None:
    return db.session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == user.id))


def create_feed(actor: User) -> str:
    """Give the actor their calendar link; returns the token, which is not kept anywhere.

    Refused when they already have one (a second click must not quietly replace it)."""
    if feed_of(actor) is not None:
        raise CalendarError("You already have a calendar link. Reset it to get a new one.")
    token = new_token()
    feed = CalendarFeed(user=actor, token_digest=token_digest(token))
    db.session.add(feed)
    db.session.flush()
    audit.record(actor, "calendar_feed.create", feed)
    return token


def reset_feed(actor: User) -> str:
    """Replace the actor's token: the old address stops working as soon as this commits."""
    feed = feed_of(actor)
    if feed is None:
        raise CalendarError("You do not have a calendar link yet.")
    token = new_token()
    feed.token_digest = token_digest(token)
    db.session.flush()
    audit.record(actor, "calendar_feed.reset", feed)
    return token


def owner_of(token: str) -> User | None:
    """The active user whose feed ``token`` opens, or None."""
    if not TOKEN_PATTERN.fullmatch(token):
        return None
    digest = token_digest(token)
    feed = db.session.scalar(
        select(CalendarFeed)
        .options(joinedload(CalendarFeed.user))
        .where(CalendarFeed.token_digest == digest)
    )
    if feed is None or not digest_matches(feed.token_digest, token):
        return None
    return feed.user if feed.user.active else None


def is_current(user: User, token: str) -> bool:
    """Whether ``token`` is the user's token now (it may have been reset since)."""
    feed = feed_of(user)
    return feed is not None and digest_matches(feed.token_digest, token)


# The feed -------------------------------------------------------------------------------


def build_feed(user: User, now: datetime, *, service_name: str, service_url: str) -> bytes:
    """The user's iCalendar feed for 90 days back to 180 days ahead of ``now``."""
    start, end = now - timedelta(days=DAYS_BACK), now + timedelta(days=DAYS_AHEAD)
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"{service_name}: reflective discussions")
    calendar.add("name", f"{service_name}: reflective discussions")
    # Ask calendar apps to check hourly, so moves and cancellations show up the same day.
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    for discussion in _discussions(user, start, end):
        calendar.add_component(_discussion_event(user, discussion, now, service_name, service_url))
    for session in _group_sessions(user, start, end):
        calendar.add_component(_session_event(user, session, now, service_name, service_url))
    return calendar.to_ical()


def _discussions(user: User, start: datetime, end: datetime) -> list[Discussion]:
    return list(
        db.session.scalars(
            select(Discussion)
            .options(joinedload(Discussion.practitioner), joinedload(Discussion.spo))
            .where(
                or_(Discussion.practitioner_id == user.id, Discussion.spo_id == user.id),
                Discussion.status.in_([s.value for s in SHOWN]),
                Discussion.starts_at.is_not(None),
                Discussion.ends_at.is_not(None),
                Discussion.starts_at >= start,
                Discussion.starts_at < end,
            )
            .order_by(Discussion.starts_at, Discussion.id)
        )
    )


def _group_sessions(user: User, start: datetime, end: datetime) -> list[GroupSession]:
    accepted = (
        select(GroupInvitation.id)
        .where(
            GroupInvitation.session_id == GroupSession.id,
            GroupInvitation.practitioner_id == user.id,
            GroupInvitation.response == "accepted",
        )
        .exists()
    )
    return list(
        db.session.scalars(
            select(GroupSession)
            .where(
                or_(GroupSession.facilitator_id == user.id, accepted),
                GroupSession.starts_at >= start,
                GroupSession.starts_at < end,
            )
            .order_by(GroupSession.starts_at, GroupSession.id)
        )
    )


def _event(uid: str, sequence: int, starts_at, ends_at, now: datetime, cancelled: bool) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("sequence", sequence)
    event.add("dtstamp", now)
    event.add("dtstart", aware(starts_at))
    event.add("dtend", aware(ends_at))
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "TRANSPARENT" if cancelled else "OPAQUE")
    return event


def _discussion_event(
    user: User, discussion: Discussion, now: datetime, service_name: str, service_url: str
) -> Event:
    cancelled = discussion.status == DiscussionStatus.CANCELLED
    other = discussion.spo if discussion.practitioner_id == user.id else discussion.practitioner
    summary = f"Reflective discussion with {other.name}" if other else "Reflective discussion"
    event = _event(
        discussion.uid,
        discussion.sequence,
        discussion.starts_at,
        discussion.ends_at,
        now,
        cancelled,
    )
    event.add("summary", f"Cancelled: {summary}" if cancelled else summary)
    # The reason's label only ("Case event", "Regular discussion"): never what the case is.
    event.add(
        "description",
        f"{discussion.reason_label}. The details are in {service_name}: {service_url}",
    )
    event.add("url", service_url)
    return event


def _session_event(
    user: User, session: GroupSession, now: datetime, service_name: str, service_url: str
) -> Event:
    cancelled = session.cancelled_at is not None
    summary = f"Group reflective session: {session.title}"
    event = _event(
        session.uid, session.sequence, session.starts_at, session.ends_at, now, cancelled
    )
    event.add("summary", f"Cancelled: {summary}" if cancelled else summary)
    event.add("location", session.place)
    role = "You are facilitating it." if session.facilitator_id == user.id else "You are going."
    event.add("description", f"{role} The details are in {service_name}: {service_url}")
    event.add("url", service_url)
    return event
