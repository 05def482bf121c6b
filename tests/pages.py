"""A test client that reads pages as a user would: status, title, forms and errors."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bs4 import BeautifulSoup
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

SERVICE_SUFFIX = " - Practice Learning - GOV.UK"


@dataclass
class Page:
    response: TestResponse
    soup: BeautifulSoup

    @property
    def status(self) -> int:
        return self.response.status_code

    @property
    def title(self) -> str:
        return self.soup.title.get_text(strip=True) if self.soup.title else ""

    @property
    def h1(self) -> str:
        heading = self.soup.find("h1")
        return heading.get_text(" ", strip=True) if heading else ""

    @property
    def text(self) -> str:
        main = self.soup.find("main") or self.soup
        return " ".join(main.get_text(" ", strip=True).split())

    @property
    def error_summary(self) -> list[str]:
        summary = self.soup.select_one(".govuk-error-summary")
        if summary is None:
            return []
        return [li.get_text(" ", strip=True) for li in summary.select("li")]

    @property
    def inline_errors(self) -> list[str]:
        return [
            " ".join(e.get_text(" ", strip=True).replace("Error:", "").split())
            for e in self.soup.select(".govuk-error-message")
        ]

    def nav_links(self) -> list[str]:
        return [
            a.get_text(strip=True) for a in self.soup.select(".govuk-service-navigation__list a")
        ]

    def table_rows(self, selector: str = "table") -> list[list[str]]:
        table = self.soup.select_one(selector)
        if table is None:
            return []
        return [
            [cell.get_text(" ", strip=True) for cell in row.select("th, td")]
            for row in table.select("tbody tr")
        ]

    def field_value(self, name: str) -> str | None:
        field = self.soup.select_one(f'[name="{name}"]')
        if field is None:
            return None
        if field.name == "textarea":
            return field.get_text()
        if field.name == "select":
            chosen = field.select_one("option[selected]")
            return chosen.get("value") if chosen else None
        return field.get("value")


class PageClient(FlaskClient):
    def page(self, response: TestResponse) -> Page:
        return Page(response, BeautifulSoup(response.get_data(as_text=True), "html.parser"))

    def get_page(self, url: str, status: int = 200, **kwargs: Any) -> Page:
        """GET a page, check its status and that it carries a GOV.UK title."""
        response = self.get(url, **kwargs)
        assert response.status_code == status, (
            f"GET {url}: expected {status}, got {response.status_code}"
            f" {response.headers.get('Location', '')}"
        )
        page = self.page(response)
        if status == 200 and response.mimetype == "text/html":
            assert page.title.endswith(SERVICE_SUFFIX), page.title
            assert page.h1, f"{url} has no h1"
        return page

    def csrf_token(self, url: str) -> str:
        page = self.page(self.get(url))
        token = page.soup.select_one('input[name="csrf_token"]')
        assert token is not None, f"{url} has no form with a CSRF token"
        return token["value"]

    def submit(
        self,
        url: str,
        data: dict[str, Any] | None = None,
        *,
        form_url: str | None = None,
        status: int | None = None,
        **kwargs: Any,
    ) -> TestResponse:
        """POST ``data`` to ``url`` with a CSRF token taken from the form page."""
        payload = {"csrf_token": self.csrf_token(form_url or url)}
        payload.update(data or {})
        response = self.post(url, data=payload, **kwargs)
        if status is not None:
            assert response.status_code == status, (
                f"POST {url}: expected {status}, got {response.status_code}"
            )
        return response

    def sign_in(self, email: str, password: str | None = None) -> TestResponse:
        from tests.factories import DEFAULT_PASSWORD

        response = self.submit(
            "/sign-in", {"email": email, "password": password or DEFAULT_PASSWORD}
        )
        assert response.status_code == 302, f"sign-in as {email} failed"
        return response

    def sign_out(self) -> TestResponse:
        return self.submit("/sign-out", form_url="/home")
