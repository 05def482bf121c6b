"""The access policy: one place that decides who may use each route and see each record.

Every view declares its rule with ``@public``, ``@signed_in`` or ``@allow(*roles)``;
a test walks ``app.url_map`` and fails for any route without one. A signed-in user
who asks for something they may not see gets 404, so ids cannot be probed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import wraps
from typing import TYPE_CHECKING, Any

from flask import abort
from flask_login import current_user

from learning_app.accounts.constants import Role
from learning_app.extensions import login_manager

if TYPE_CHECKING:
    from learning_app.accounts.models import User


@dataclass(frozen=True)
class AccessRule:
    """What a route needs: nothing (public), a signed-in user, or one of some roles."""

    sign_in: bool
    roles: frozenset[Role]

    def permits(self, user: Any) -> bool:
        if not self.sign_in:
            return True
        if user is None or not user.is_authenticated:
            return False
        return not self.roles or user.has_role(*self.roles)


def _declare(rule: AccessRule) -> Callable:
    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if rule.sign_in and not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not rule.permits(current_user):
                abort(404)
            return view(*args, **kwargs)

        wrapped.access_rule = rule  # type: ignore[attr-defined]
        return wrapped

    return decorator


public = _declare(AccessRule(sign_in=False, roles=frozenset()))
signed_in = _declare(AccessRule(sign_in=True, roles=frozenset()))


def allow(*roles: Role) -> Callable:
    """Only users holding one of ``roles`` (in any scope) may use the route."""
    return _declare(AccessRule(sign_in=True, roles=frozenset(Role(r) for r in roles)))


def access_rule(view: Callable) -> AccessRule | None:
    return getattr(view, "access_rule", None)


# Object-level rules -------------------------------------------------------------


def is_admin(user: User) -> bool:
    return user.is_authenticated and user.has_role(Role.ADMIN)


def can_manage_organisation(user: User) -> bool:
    return is_admin(user)


def can_manage_framework(user: User) -> bool:
    return is_admin(user)


def roles_for_navigation(user: User) -> Iterable[Role]:
    return user.roles if user.is_authenticated else ()


# People and evidence -----------------------------------------------------------
# SPO: the practitioners of the teams they manage. QDO: the practitioners of their PDU,
# for recording, and what they recorded themselves. ld_lead and leader: aggregates of
# their unit, never the narrative of an observation.


def _assignments(user: User, role: Role) -> list:
    return [a for a in user.role_assignments if a.role == role]


def spo_team_ids(user: User) -> set[int]:
    return {a.team_id for a in _assignments(user, Role.SPO) if a.team_id is not None}


def qdo_pdu_ids(user: User) -> set[int]:
    return {a.pdu_id for a in _assignments(user, Role.QDO) if a.pdu_id is not None}


def unit_ids(user: User, *roles: Role) -> tuple[set[int], set[int], set[int]]:
    """(team ids, PDU ids, region ids) that ``user`` holds any of ``roles`` for."""
    teams, pdus, regions = set(), set(), set()
    for a in user.role_assignments:
        if a.role in roles:
            if a.team_id:
                teams.add(a.team_id)
            if a.pdu_id:
                pdus.add(a.pdu_id)
            if a.region_id:
                regions.add(a.region_id)
    return teams, pdus, regions


def _team_pdu_id(practitioner: User) -> int | None:
    return practitioner.team.pdu_id if practitioner.team is not None else None


def manages(actor: User, practitioner: User) -> bool:
    """The actor is an SPO of the practitioner's current team."""
    return practitioner.team_id is not None and practitioner.team_id in spo_team_ids(actor)


def can_record_evidence_for(actor: User, practitioner: User) -> bool:
    """SPOs record for their teams, QDOs for any practitioner in their PDU; never for themselves."""
    if actor.id == practitioner.id or not practitioner.active:
        return False
    if not practitioner.has_role(Role.PRACTITIONER):
        return False
    return manages(actor, practitioner) or _team_pdu_id(practitioner) in qdo_pdu_ids(actor)


def can_view_profile(actor: User, practitioner: User) -> bool:
    """Own profile, or an SPO's team member. Other roles see aggregates only."""
    return actor.id == practitioner.id or manages(actor, practitioner)


def can_view_observation(actor: User, observation) -> bool:
    """Narrative access: the practitioner (once shared), its observer, the practitioner's SPO."""
    if actor.id == observation.observer_id:
        return True
    if actor.id == observation.practitioner_id:
        return not observation.is_draft
    return not observation.is_draft and manages(actor, observation.practitioner)


def can_amend_observation(actor: User, observation) -> bool:
    return actor.id == observation.observer_id


def is_unit_lead(actor: User) -> bool:
    return actor.has_role(Role.LD_LEAD)
