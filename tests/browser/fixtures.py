"""Browser test fixtures: a live server on its own database, Debian's Chromium, axe-core.

Loaded as a pytest plugin by ``tests/conftest.py``. Nothing here depends on the unit
tests' ``app`` or ``db_session`` fixtures: ``db_session`` swaps the global
``db.session`` for each unit test, so the live server gets a second app and a
second database, and it only serves requests while browser tests run.

Every browser test is skipped, with the reason, when Chromium or axe-core is missing.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import create_engine, make_url, text
from werkzeug.serving import BaseWSGIServer, make_server

# The password `make run` gives the demo accounts, so a failing page can be tried by hand.
from learning_app.demo.seed import DEFAULT_DEMO_PASSWORD as DEMO_PASSWORD

PROJECT_ROOT = Path(__file__).resolve().parents[2]
AXE_PATH = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
TIMEOUT_MS = 10_000


def chromium_path() -> str | None:
    """Debian's Chromium: Playwright cannot download its own browser here."""
    if os.access("/usr/bin/chromium", os.X_OK):
        return "/usr/bin/chromium"
    return shutil.which("chromium")


def missing_requirement() -> str | None:
    """Why the browser tests cannot run on this machine, or None when they can."""
    if chromium_path() is None:
        return "Chromium is not installed (run `make chromium`)"
    if not AXE_PATH.is_file():
        return f"axe-core is not installed at {AXE_PATH} (run `npm ci`)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the Python playwright package is not installed (pip install -e '.[test]')"
    return None


@pytest.fixture(scope="session")
def browser_requirements() -> None:
    reason = missing_requirement()
    if reason:
        pytest.skip(f"browser tests skipped: {reason}")


# --- the live server ---------------------------------------------------------------


@dataclass
class LiveServer:
    url: str
    app: Flask

    def __call__(self, path: str = "/") -> str:
        """The absolute URL of ``path`` on the live server."""
        return self.url + path


def _browser_database_url(tmp_dir: Path) -> str:
    """A database of its own: a SQLite file, or ``<dbname>_browser`` on PostgreSQL."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        return f"sqlite:///{tmp_dir / 'browser.sqlite3'}"
    url = make_url(base)
    name = f"{url.database}_browser"
    _recreate_postgres_database(base, name)
    return url.set(database=name).render_as_string(hide_password=False)


def _recreate_postgres_database(server_url: str, name: str) -> None:
    engine = create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()


def _drop_postgres_database(browser_url: str) -> None:
    url = make_url(browser_url)
    server_url = os.environ["TEST_DATABASE_URL"]
    engine = create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
    finally:
        engine.dispose()


def seed(app: Flask, password: str = DEMO_PASSWORD) -> None:
    """Load the demo data (the accounts in ``crawl.ACCOUNTS`` sign in with ``password``)."""
    from learning_app.demo.seed import seed_demo
    from learning_app.extensions import db

    with app.app_context():
        seed_demo(password, date.today())
        db.session.commit()
        db.session.remove()


@pytest.fixture(scope="session")
def live_server(
    browser_requirements: None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """The app served over real HTTP from a thread, on its own seeded database."""
    from learning_app.extensions import db
    from tests.conftest import make_test_app

    database_url = _browser_database_url(tmp_path_factory.mktemp("browser"))
    # A few rows a page, so the demo's heatmaps are paginated as the national ones are.
    app = make_test_app(database_url, HEATMAP_ROWS_PER_PAGE=3)
    with app.app_context():
        upgrade()
    seed(app)

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server: BaseWSGIServer = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(url=f"http://127.0.0.1:{server.server_port}", app=app)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        with app.app_context():
            db.engine.dispose()
        if database_url.startswith("postgresql"):
            _drop_postgres_database(database_url)


# --- the browser ---------------------------------------------------------------------


@pytest.fixture(scope="session")
def playwright_driver(browser_requirements: None) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright_driver: Any) -> Iterator[Any]:
    """One headless Chromium for the whole run."""
    browser = playwright_driver.chromium.launch(
        executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


@pytest.fixture
def context(browser: Any, live_server: LiveServer) -> Iterator[Any]:
    """A fresh browser profile per test (no cookies carried over), with axe-core loaded.

    ``bypass_csp`` lets axe-core run in pages that send a strict
    Content-Security-Policy; ``test_csp_allows_the_pages_own_scripts`` checks the
    pages without it.
    """
    context = browser.new_context(base_url=live_server.url, bypass_csp=True)
    context.set_default_timeout(TIMEOUT_MS)
    # Loaded into every page before its own scripts: cheaper than injecting it per check.
    context.add_init_script(path=str(AXE_PATH))
    yield context
    context.close()


@pytest.fixture
def page(context: Any) -> Any:
    return context.new_page()


# --- helpers used by the tests -------------------------------------------------------


def sign_in(page: Any, email: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the real form and wait for the home page."""
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/home")


def sign_out(page: Any) -> None:
    """Sign out with the header's button, as a person handing over the computer would.

    Clearing the browser's cookies is not the same: a response still on its way (an asset,
    say) can set the session cookie again after they are cleared."""
    click_and_load(page, page.get_by_role("button", name="Sign out"))
    page.wait_for_url("**/sign-in**")


def click_and_load(page: Any, target: Any) -> None:
    """Click a link or button and wait until the page it leads to has loaded.

    Waiting for the URL is not enough: after a POST that redirects back to the same address,
    or a form re-shown with errors, the URL matches before the new page has arrived."""
    with page.expect_event("load"):
        target.click()


def fill_date(page: Any, legend: str, day: date) -> None:
    """Type a date into the GOV.UK date input whose fieldset has ``legend``."""
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def assert_accessible(page: Any, what: str = "") -> None:
    """axe-core finds no WCAG 2.2 A or AA violation, and the page has exactly one h1."""
    where = what or page.url
    violations = axe_violations(page)
    assert not violations, f"{where}\n{describe_violations(violations)}"
    assert page.locator("h1").count() == 1, f"{where}: expected one h1"


def axe_violations(page: Any) -> list[dict]:
    """Run axe-core's WCAG 2.2 A and AA rules on the current page."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_PATH))
    # resultTypes: axe skips collecting details of the rules that passed (much faster).
    results = page.evaluate(
        """tags => axe.run(document, {
            runOnly: {type: 'tag', values: tags},
            resultTypes: ['violations'],
        })""",
        WCAG_TAGS,
    )
    return results["violations"]


def describe_violations(violations: list[dict], max_nodes: int = 5) -> str:
    """One paragraph per violation: rule id, impact, help, and the elements to fix."""
    lines = []
    for v in violations:
        lines.append(f"  [{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:max_nodes]:
            lines.append(f"      at {json.dumps(node['target'])}: {node['html'][:160]}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            if summary:
                lines.append(f"         {summary[:300]}")
        if len(v["nodes"]) > max_nodes:
            lines.append(f"      ... and {len(v['nodes']) - max_nodes} more elements")
    return "\n".join(lines)
