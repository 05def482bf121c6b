"""The pages the accessibility crawl visits, per demo role.

Each role signs in through the real form, then visits every link in its service
navigation (read from the page itself) and the extra pages listed here. To add a
page to the crawl, add ONE line to ``EXTRA_PAGES``:

    "admin": [..., "/admin/organisation/regions/new"],       # a page that must answer 200
    "*": [..., Visit("/gone", status=404)],                   # an error page
    "admin": [..., FirstLink("/admin/users/", USER)],         # the first link in a list
    "admin": [..., FirstLink("/admin/users/", USER, "/edit")],  # ... plus a suffix

``"*"`` applies to every signed-in role; ``SIGNED_OUT`` is the crawl without signing in.
"""

from __future__ import annotations

from dataclasses import dataclass

#: role key (used as the test id) -> demo account email
ACCOUNTS: dict[str, str] = {
    "admin": "admin@demo.test",
    "leader": "head@demo.test",
    "ld_lead": "ld.lead@demo.test",
    "qdo": "qdo1@demo.test",
    "spo": "spo1@demo.test",
    "practitioner": "practitioner1@demo.test",
}

SIGNED_OUT = "signed_out"


@dataclass(frozen=True)
class Visit:
    """A page to load, and the status it must answer with."""

    path: str
    status: int = 200


@dataclass(frozen=True)
class FirstLink:
    """Load ``path``, then follow the first link matching ``selector`` (e.g. a detail page).

    ``suffix`` is added to the link's path, to reach the pages under a record
    (``/edit``, ``/roles``) whose ids are not known in advance.
    """

    path: str
    selector: str
    suffix: str = ""
    status: int = 200


Entry = str | Visit | FirstLink

# Selectors match on href, so they survive changes to the markup around the links.
USER = "main table a[href^='/admin/users/']"
TEAM = "main a[href^='/admin/organisation/teams/']:not([href*='/new'])"
REGION_EDIT = "main a[href^='/admin/organisation/regions/'][href$='/edit']"
PDU_EDIT = "main a[href^='/admin/organisation/pdus/'][href$='/edit']"
FRAMEWORK_VERSION = "main a[href^='/admin/framework/versions/']"
SKILL = "main a[href^='/framework/skills/']"
COHORT = "main #upcoming a[href^='/training/cohorts/']"
TEAM_PLAN = "main #team-plans a[href^='/my-team/practitioners/']"
UPCOMING_DISCUSSION = "main #upcoming-list a"
SIGNED_DISCUSSION = "main #past-list tbody tr:nth-child(2) a"
TO_FINISH = "main #to-finish-list a"
HELD_DISCUSSION = "main #upcoming-held-list a"
UPCOMING_GROUP = "main #upcoming-sessions a"
PAST_GROUP = "main #past-sessions a"
GROUP_INVITATION = "main a[href^='/group-sessions/']"

EXTRA_PAGES: dict[str, list[Entry]] = {
    "*": [
        "/home",
        "/account/change-password",
        "/framework/targets",
        FirstLink("/framework/", SKILL),
        "/accessibility",
        "/cookies",
        "/privacy",
        Visit("/this-page-does-not-exist", status=404),
        "/training/?skill=rosh-analysis&mode=face_to_face",
        "/training/cohorts/?module=PL-05",
        FirstLink("/training/cohorts/", COHORT),
        "/account/calendar",
        "/account/calendar/reset",
    ],
    SIGNED_OUT: [
        "/sign-in",
        "/accessibility",
        "/cookies",
        "/privacy",
        Visit("/this-page-does-not-exist", status=404),
    ],
    "admin": [
        "/admin/users/new",
        "/admin/users/import",
        FirstLink("/admin/users/", USER),
        FirstLink("/admin/users/", USER, "/edit"),
        FirstLink("/admin/users/", USER, "/roles/scope?role=ld_lead"),
        FirstLink("/admin/users/", USER, "/roles"),
        FirstLink("/admin/users/", USER, "/reset-password"),
        FirstLink("/admin/users/", USER, "/deactivate"),
        "/admin/organisation/regions/new",
        "/admin/organisation/pdus/new",
        "/admin/organisation/teams/new",
        FirstLink("/admin/organisation/", REGION_EDIT),
        FirstLink("/admin/organisation/", PDU_EDIT),
        FirstLink("/admin/organisation/", TEAM),
        FirstLink("/admin/organisation/", TEAM, "/edit"),
        FirstLink("/admin/organisation/", TEAM, "/move"),
        "/admin/framework/upload",
        FirstLink("/admin/framework/", FRAMEWORK_VERSION),
        "/admin/discussion-rules/case-events/new",
        "/admin/discussion-rules/restore-defaults",
        FirstLink("/admin/discussion-rules/", "main #cadence a"),
        FirstLink("/admin/discussion-rules/", "main #case-events a[href$='/edit']"),
        FirstLink("/admin/discussion-rules/", "main #case-events a[href$='/remove']"),
        FirstLink("/admin/discussion-rules/", "main #follow-ups a"),
        "/admin/api-tokens/new",
        FirstLink("/admin/api-tokens/", "main #api-tokens a[href$='/revoke']"),
    ],
    "practitioner": [
        "/self-assessment/",
        "/my-development/observations",
        FirstLink("/my-development/", "main a[href^='/my-development/skills/']"),
        FirstLink("/my-development/observations", "main #observations td a"),
        FirstLink("/my-development/observations", "main #observations td a", "/reflection"),
        FirstLink("/my-development/plan/", "main a[href^='/my-development/plan/decline/']"),
        "/training/modules/PL-04",
        "/case-events/new",
        "/discussions/request",
        FirstLink("/discussions/", UPCOMING_DISCUSSION),
        FirstLink("/discussions/", UPCOMING_DISCUSSION, "/move"),
        FirstLink("/discussions/", UPCOMING_DISCUSSION, "/cancel"),
        FirstLink("/discussions/", UPCOMING_DISCUSSION, "/proposal"),
        FirstLink("/discussions/", SIGNED_DISCUSSION),
        FirstLink("/discussions/", SIGNED_DISCUSSION, "/oversight-record"),
        FirstLink("/group-sessions/", GROUP_INVITATION),
    ],
    "ld_lead": [
        "/learning-analysis-cycles/",
        "/learning-analysis-cycles/new",
        "/focus-campaigns/new",
        FirstLink("/focus-campaigns/", "main a[href^='/focus-campaigns/'][href$='/end']"),
        "/training/modules/new",
        "/training/retired",
        FirstLink("/training/", "main #modules a"),
        FirstLink("/training/", "main #modules a", "/edit"),
        FirstLink("/training/", "main #modules a", "/skills"),
        FirstLink("/training/", "main #modules a", "/retire"),
        "/training/cohorts/new",
        "/training/cohorts/new?module=PL-05",
        "/training/cohorts/past",
        FirstLink("/training/cohorts/", COHORT, "/cancel"),
        FirstLink("/training/cohorts/past", "main #past a[href^='/training/cohorts/']"),
        "/training/modules/PL-05",
        "/training/impact",
        "/training/demand?unit=pdu-1",
        FirstLink("/training/demand", "main #demand a"),
        "/group-sessions/new",
        FirstLink("/group-sessions/", UPCOMING_GROUP),
        FirstLink("/group-sessions/", UPCOMING_GROUP, "/invite"),
        FirstLink("/group-sessions/", UPCOMING_GROUP, "/cancel"),
    ],
    "leader": [
        "/training/impact",
        "/training/impact?unit=team-1",
        FirstLink("/training/demand", "main #demand a"),
        "/oversight/pdu?unit=team-1",
        "/analytics/?grouping=grade&metric=below-target&sort=all",
        "/analytics/?unit=team-1&metric=observed",
        "/analytics/?grouping=team&sort=all&page=2",
        "/analytics/trends?metric=below-target&skill=rosh-analysis",
        "/analytics/skills/rosh-analysis?unit=team-2",
        "/analytics/oversight/",
    ],
    "spo": [
        "/my-team/?sort=gaps&order=desc",
        FirstLink("/my-team/", "main a[href^='/my-team/practitioners/']"),
        FirstLink("/my-team/", "main a[href^='/my-team/practitioners/']", "/skills/rosh-analysis"),
        "/observations/new",
        "/observations/feedback/new",
        FirstLink("/observations/", "main #observations a[href^='/observations/']"),
        FirstLink("/observations/", "main #observations a[href^='/observations/']", "/edit"),
        FirstLink("/my-team/plans/", TEAM_PLAN),
        FirstLink("/my-team/plans/", TEAM_PLAN, "/assign"),
        "/my-capacity/leave/add",
        "/case-events/new",
        FirstLink("/discussions/", HELD_DISCUSSION),
        FirstLink("/discussions/", HELD_DISCUSSION, "/move"),
        FirstLink("/discussions/", TO_FINISH, "/record"),
        FirstLink("/discussions/", TO_FINISH, "/oversight-record"),
        "/group-sessions/new",
        FirstLink("/group-sessions/", PAST_GROUP),
        FirstLink("/group-sessions/", PAST_GROUP, "/attendance"),
    ],
    "qdo": [
        "/group-sessions/new",
        "/observations/new",
        FirstLink("/observations/", "main #observations tbody tr:last-child a", "/correct"),
    ],
}


def extra_pages(role: str) -> list[Visit | FirstLink]:
    """The fixed pages for ``role``: its own list, plus the ``"*"`` list when signed in."""
    entries = list(EXTRA_PAGES.get(role, []))
    if role != SIGNED_OUT:
        entries = EXTRA_PAGES["*"] + entries
    return [Visit(e) if isinstance(e, str) else e for e in entries]


ROLES: list[str] = [*ACCOUNTS, SIGNED_OUT]
