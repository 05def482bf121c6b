"""Who may see and change a one-to-one reflective discussion, and its case events.

A discussion belongs to its practitioner and the SPO holding it; an SPO who manages the
practitioner's current team may also see it (the SPO holding it may have moved on, or
the discussion may not be placed yet). Everyone else gets 404 from the views.
"""

from __future__ import annotations

from learning_app.accounts.constants import Role
from learning_app.accounts.models import User
from learning_app.core.policy import manages
from learning_app.reflective.models import CaseEvent, Discussion, DiscussionStatus


def can_view_discussion(actor: User, discussion: Discussion) -> bool:
    if actor.id == discussion.practitioner_id:
        return True
    if not actor.has_role(Role.SPO):
        return False
    return actor.id == discussion.spo_id or manages(actor, discussion.practitioner)


def viewer_is_practitioner(actor: User, discussion: Discussion) -> bool:
    return actor.id == discussion.practitioner_id


def viewer_is_spo(actor: User, discussion: Discussion) -> bool:
    """The SPO holding it, or an SPO of the practitioner's team."""
    return not viewer_is_practitioner(actor, discussion) and can_view_discussion(actor, discussion)


def is_party(actor: User, discussion: Discussion) -> bool:
    """The practitioner or the SPO holding it: the two people in the meeting."""
    return actor.id in (discussion.practitioner_id, discussion.spo_id)


def can_change_booking(actor: User, discussion: Discussion) -> bool:
    """Accept, move and cancel are for the two people while the discussion is booked."""
    return discussion.status == DiscussionStatus.BOOKED and is_party(actor, discussion)


def has_accepted(actor: User, discussion: Discussion) -> bool:
    if viewer_is_practitioner(actor, discussion):
        return discussion.practitioner_accepted_at is not None
    return discussion.spo_accepted_at is not None


def can_see_case_reference(actor: User, event: CaseEvent) -> bool:
    """Only the practitioner and their SPO see a case reference (DOMAIN.md (e))."""
    return actor.id == event.practitioner_id or manages(actor, event.practitioner)
