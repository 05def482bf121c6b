"""Service navigation: each item shows only to the roles that may use its page."""

from __future__ import annotations

from dataclasses import dataclass

from flask import request, url_for
from flask_login import current_user

from learning_app.accounts.constants import Role


@dataclass(frozen=True)
class NavItem:
    label: str
    endpoint: str
    roles: frozenset[Role] | None  # None: every signed-in user
    section: str  # the blueprint (or endpoint prefix) that marks the item active

    def visible_to(self, user) -> bool:
        if not user.is_authenticated:
            return False
        return self.roles is None or user.has_role(*self.roles)


ADMIN = frozenset({Role.ADMIN})

NAV_ITEMS: tuple[NavItem, ...] = (
    NavItem("My development", "development.index", frozenset({Role.PRACTITIONER}), "development"),
    NavItem(
        "Self-assessment",
        "self_assessment.index",
        frozenset({Role.PRACTITIONER}),
        "self_assessment",
    ),
    NavItem("Learning plan", "plans.index", frozenset({Role.PRACTITIONER}), "plans"),
    NavItem("My team", "team.index", frozenset({Role.SPO}), "team"),
    NavItem("Team plans", "plans.team", frozenset({Role.SPO}), "plans"),
    NavItem("Observations", "observations.index", frozenset({Role.SPO, Role.QDO}), "observations"),
    NavItem(
        "Reflective discussions",
        "discussions.index",
        frozenset({Role.PRACTITIONER, Role.SPO}),
        "discussions",
    ),
    NavItem(
        "Case events", "case_events.index", frozenset({Role.PRACTITIONER, Role.SPO}), "case_events"
    ),
    NavItem(
        "Group sessions",
        "group_sessions.index",
        frozenset({Role.PRACTITIONER, Role.SPO, Role.QDO, Role.LD_LEAD}),
        "group_sessions",
    ),
    NavItem("Capacity and leave", "capacity.index", frozenset({Role.SPO}), "capacity"),
    NavItem("Team oversight", "oversight.team", frozenset({Role.SPO}), "oversight"),
    NavItem("Discussion oversight", "oversight.pdu", frozenset({Role.LEADER}), "oversight"),
    NavItem("Learning cycles", "cycles.index", frozenset({Role.LD_LEAD}), "cycles"),
    NavItem("Focus campaigns", "campaigns.index", frozenset({Role.LD_LEAD}), "campaigns"),
    NavItem("Training", "training.index", None, "training"),
    NavItem("Cohorts", "cohorts.index", None, "cohorts"),
    NavItem(
        "Training demand",
        "training_reports.demand",
        frozenset({Role.LD_LEAD, Role.LEADER}),
        "training_reports",
    ),
    NavItem(
        "Learning analysis",
        "analytics.heatmap",
        frozenset({Role.LD_LEAD, Role.LEADER, Role.SPO}),
        "analytics",
    ),
    NavItem("Skills framework", "framework.index", None, "framework"),
    NavItem("Users", "admin_users.index", ADMIN, "admin_users"),
    NavItem("Organisation", "admin_org.index", ADMIN, "admin_org"),
    NavItem("Framework versions", "admin_framework.index", ADMIN, "admin_framework"),
    NavItem("Discussion rules", "admin_rules.index", ADMIN, "admin_rules"),
    NavItem("Audit log", "admin_audit.index", ADMIN, "admin_audit"),
    NavItem("API tokens", "admin_tokens.index", ADMIN, "admin_tokens"),
)


def items_for(user) -> list[NavItem]:
    return [item for item in NAV_ITEMS if item.visible_to(user)]


def service_navigation() -> list[dict]:
    """The ``navigation`` parameter of govukServiceNavigation for the current user."""
    blueprint = request.blueprint if request else None
    return [
        {
            "href": url_for(item.endpoint),
            "text": item.label,
            "active": blueprint == item.section,
        }
        for item in items_for(current_user)
    ]
