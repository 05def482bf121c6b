"""A keyboard user can sign in and can see where the focus is on every control."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.browser.crawl import ACCOUNTS
from tests.browser.fixtures import DEMO_PASSWORD, sign_in

pytestmark = pytest.mark.browser

GOVUK_FOCUS_YELLOW = "rgb(255, 221, 0)"

# What the focused element looks like: the GOV.UK focus style is a yellow outline
# (inputs) or a yellow background with a black underline drawn by box-shadow (links).
FOCUS_STYLE_JS = """() => {
    const el = document.activeElement;
    const s = getComputedStyle(el);
    return {
        tag: el.tagName.toLowerCase(),
        id: el.id,
        text: (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().slice(0, 40),
        outlineStyle: s.outlineStyle,
        outlineWidth: s.outlineWidth,
        outlineColor: s.outlineColor,
        boxShadow: s.boxShadow,
        backgroundColor: s.backgroundColor,
    };
}"""


def focused(page: Any) -> dict:
    return page.evaluate(FOCUS_STYLE_JS)


def has_visible_focus(style: dict) -> bool:
    outline = style["outlineStyle"] != "none" and style["outlineWidth"] not in ("0px", "")
    return style["boxShadow"] != "none" or (outline and style["outlineColor"] != "rgba(0, 0, 0, 0)")


def test_sign_in_with_the_keyboard_alone(page: Any) -> None:
    page.goto("/sign-in")
    assert page.evaluate("document.activeElement === document.body")

    page.keyboard.press("Tab")
    skip = focused(page)
    assert page.evaluate("document.activeElement.classList.contains('govuk-skip-link')"), skip
    assert skip["text"] == "Skip to main content"
    assert page.locator(".govuk-skip-link").is_visible(), "the skip link shows when focused"

    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main-content"

    page.keyboard.press("Tab")
    email = focused(page)
    assert email["id"] == "email", email
    assert email["outlineColor"] == GOVUK_FOCUS_YELLOW, email
    assert has_visible_focus(email), email
    page.keyboard.type(ACCOUNTS["practitioner"])

    page.keyboard.press("Tab")
    assert focused(page)["id"] == "password"
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")

    # The redirect keeps the #main-content fragment the skip link added.
    page.wait_for_url(lambda url: urlsplit(url).path == "/home")
    assert page.get_by_role("button", name="Sign out").is_visible()


def test_sign_in_button_works_from_the_keyboard(page: Any) -> None:
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(ACCOUNTS["practitioner"])
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").focus()
    assert has_visible_focus(focused(page))
    page.keyboard.press("Space")
    page.wait_for_url("**/home")


def test_skip_link_is_the_first_focusable_element(page: Any) -> None:
    sign_in(page, ACCOUNTS["admin"])
    first = page.evaluate(
        """() => [...document.querySelectorAll('a[href], button, input, select, textarea,'
                + ' [tabindex]:not([tabindex="-1"])')]
                .find(el => !el.disabled && el.type !== 'hidden')?.className"""
    )
    assert "govuk-skip-link" in first


def test_every_control_on_home_shows_where_the_focus_is(page: Any) -> None:
    """Tab through the whole home page as an admin (the fullest navigation)."""
    sign_in(page, ACCOUNTS["admin"])
    seen: list[dict] = []
    for _ in range(60):
        page.keyboard.press("Tab")
        style = focused(page)
        if style["tag"] == "body" or (seen and style == seen[0]):
            break
        seen.append(style)
    assert len(seen) > 3, seen
    assert any(s["text"] == "Sign out" for s in seen), "Sign out is reachable by keyboard"
    invisible = [s for s in seen if not has_visible_focus(s)]
    assert invisible == [], f"focused without a visible focus style: {invisible}"
