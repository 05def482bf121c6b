"""Every page each role can reach passes axe-core's WCAG 2.2 AA rules in a real browser.

The pages come from the service navigation each role sees, plus the fixed list in
``crawl.py``. A failure lists every problem on every page, with the axe rule, its
impact, and the elements to fix.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest

from tests.browser.crawl import ACCOUNTS, ROLES, SIGNED_OUT, FirstLink, Visit, extra_pages
from tests.browser.fixtures import (
    TIMEOUT_MS,
    LiveServer,
    axe_violations,
    describe_violations,
    sign_in,
)
from tests.pages import SERVICE_SUFFIX

pytestmark = pytest.mark.browser

NAV_LINKS = ".govuk-service-navigation__list a"


def nav_paths(page: Any, live_server: LiveServer) -> list[str]:
    """The service navigation links on the current page, as paths on this site."""
    hrefs = page.eval_on_selector_all(NAV_LINKS, "links => links.map(a => a.href)")
    return [urlsplit(h).path for h in hrefs if h.startswith(live_server.url)]


def check_page(page: Any, path: str, status: int, signed_in: bool) -> list[str]:
    """Load ``path`` and return what is wrong with it (an empty list when nothing is)."""
    errors: list[str] = []

    def on_error(exc: Exception) -> None:
        errors.append(f"JavaScript error: {exc}")

    page.on("pageerror", on_error)
    try:
        response = page.goto(path, wait_until="load")
    finally:
        page.remove_listener("pageerror", on_error)
    if response is None:
        return ["no response"]
    problems: list[str] = []
    if response.status != status:
        problems.append(f"status {response.status}, expected {status}")
    final = urlsplit(page.url).path
    if signed_in and final == "/sign-in" and path != "/sign-in":
        problems.append("redirected to the sign-in page")
    title = page.title()
    if not title.endswith(SERVICE_SUFFIX):
        problems.append(f"title {title!r} does not end with {SERVICE_SUFFIX!r}")
    h1_count = page.locator("h1").count()
    if h1_count != 1:
        problems.append(f"{h1_count} h1 elements, expected exactly 1")
    violations = axe_violations(page)
    if violations:
        problems.append(f"{len(violations)} axe violation(s):\n" + describe_violations(violations))
    return problems + errors


def crawl(page: Any, live_server: LiveServer, role: str) -> tuple[list[str], dict[str, list]]:
    """Visit the role's pages; return the paths visited and the problems found per path."""
    signed_in = role != SIGNED_OUT
    queue: list[Visit | FirstLink] = []
    if signed_in:
        sign_in(page, ACCOUNTS[role])
        links = nav_paths(page, live_server)
        assert links, f"{role}: no service navigation links on /home"
        queue += [Visit(p) for p in links]
    queue += extra_pages(role)

    visited: list[str] = []
    problems: dict[str, list[str]] = {}

    def visit(path: str, status: int) -> None:
        if path in visited:
            return
        visited.append(path)
        found = check_page(page, path, status, signed_in)
        if found:
            problems[path] = found

    for entry in queue:
        visit(entry.path, entry.status if isinstance(entry, Visit) else 200)
        if isinstance(entry, FirstLink):
            if urlsplit(page.url).path != entry.path:  # checked earlier: just reload it
                page.goto(entry.path)
            link = page.locator(entry.selector).first
            if link.count() == 0:
                problems.setdefault(entry.path, []).append(
                    f"no link matching {entry.selector!r} to follow"
                )
                continue
            href = link.get_attribute("href", timeout=TIMEOUT_MS) or ""
            visit(urlsplit(urljoin(page.url, href)).path + entry.suffix, entry.status)
    return visited, problems


@pytest.mark.parametrize("role", ROLES)
def test_every_page_passes_axe(page: Any, live_server: LiveServer, role: str) -> None:
    visited, problems = crawl(page, live_server, role)
    report = "\n".join(
        f"{path}:\n" + "\n".join(f"  - {p}" for p in found) for path, found in problems.items()
    )
    print(f"{role}: crawled {len(visited)} pages: {', '.join(visited)}")
    assert not problems, f"{role}: problems on {len(problems)} of {len(visited)} pages\n{report}"


def test_csp_allows_the_pages_own_scripts(browser: Any, live_server: LiveServer) -> None:
    """Without bypass_csp, the pages raise no CSP violation and GOV.UK Frontend starts."""
    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(TIMEOUT_MS)
    # Recorded from inside the page too, in case a violation never reaches the console.
    context.add_init_script(
        """window.__csp = [];
        document.addEventListener('securitypolicyviolation',
            e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"""
    )
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda msg: console.append(msg.text))
    page_errors: list[str] = []
    page.on("pageerror", lambda exc: page_errors.append(str(exc)))
    try:
        response = page.goto("/sign-in", wait_until="load")
        assert "script-src" in (response.headers.get("content-security-policy") or "")
        for path in ("/sign-in", "/home"):
            if path == "/home":
                sign_in(page, ACCOUNTS["admin"])
            # initAll() runs from a module script: wait for it to mark the components.
            page.wait_for_function(
                """() => [...document.querySelectorAll('[data-module]')]
                    .every(el => el.hasAttribute(`data-${el.dataset.module}-init`))"""
            )
            body_classes = page.evaluate("document.body.className").split()
            assert "js-enabled" in body_classes, (path, body_classes)
            assert "govuk-frontend-supported" in body_classes, (path, body_classes)
            assert page.locator("[data-module]").count() > 0, path
            violations = page.evaluate("window.__csp")
            assert violations == [], f"{path}: CSP violations {violations}"
        csp_messages = [m for m in console if "Content Security Policy" in m]
        assert csp_messages == [], csp_messages
        assert page_errors == [], page_errors
    finally:
        context.close()
