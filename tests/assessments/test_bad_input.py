"""Bad input on the self-assessment pages: GOV.UK errors, what was typed kept, nothing saved."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from learning_app.assessments.models import SelfRating
from tests.assessments.conftest import domain_data


@pytest.fixture
def draft_url(client, framework, practitioner) -> str:
    client.sign_in(practitioner.email)
    response = client.submit("/self-assessment/start", form_url="/self-assessment/")
    return response.headers["Location"]


@pytest.fixture
def first_domain(framework):
    return framework.domains[0]


def _ratings(db_session) -> int:
    return db_session.scalar(select(func.count()).select_from(SelfRating))


@pytest.mark.parametrize(
    ("level", "message"),
    [
        ("5", "Select a level for {name} from the list"),
        ("0", "Select a level for {name} from the list"),
        ("abc", "Select a level for {name} from the list"),
        ("3.5", "Select a level for {name} from the list"),
    ],
)
def test_a_level_outside_1_to_4_is_an_error(
    client, db_session, draft_url, first_domain, level, message
):
    url = f"{draft_url}/domains/{first_domain.code.lower()}"
    skill, other = first_domain.skills[0], first_domain.skills[1]
    data = {
        f"{skill.slug}-level": level,
        f"{skill.slug}-comment": "I check sources",
        f"{other.slug}-level": "2",
        f"{other.slug}-confidence": "high",
        f"{other.slug}-comment": "Kept when the page comes back",
    }
    page = client.page(client.submit(url, data))
    assert page.status == 200
    assert page.title.startswith("Error: ")
    assert page.error_summary == [message.format(name=skill.name)]
    assert page.soup.select_one(".govuk-error-summary a")["href"] == f"#{skill.slug}-level"
    # What was typed is still there.
    assert page.field_value(f"{skill.slug}-comment").strip() == "I check sources"
    assert page.soup.select_one(f'input[name="{other.slug}-level"][value="2"]').has_attr("checked")
    assert page.soup.select_one(f'input[name="{other.slug}-confidence"][value="high"]').has_attr(
        "checked"
    )
    assert page.field_value(f"{other.slug}-comment").strip() == "Kept when the page comes back"
    assert _ratings(db_session) == 0


def test_leaving_every_level_blank_saves_nothing_and_is_fine(
    client, db_session, draft_url, first_domain
):
    url = f"{draft_url}/domains/{first_domain.code.lower()}"
    response = client.submit(url, domain_data(first_domain.skills, level=None))
    assert response.status_code == 302
    assert _ratings(db_session) == 0


def test_a_comment_without_a_level_is_an_error(client, db_session, draft_url, first_domain):
    url = f"{draft_url}/domains/{first_domain.code.lower()}"
    skill = first_domain.skills[0]
    page = client.page(client.submit(url, {f"{skill.slug}-comment": "Not sure yet"}))
    assert page.error_summary == [
        f"Select a level for {skill.name}, or remove your confidence and comment"
    ]
    assert page.field_value(f"{skill.slug}-comment").strip() == "Not sure yet"
    assert _ratings(db_session) == 0


def test_a_comment_over_1000_characters_is_an_error(client, db_session, draft_url, first_domain):
    url = f"{draft_url}/domains/{first_domain.code.lower()}"
    skill = first_domain.skills[0]
    long = "a" * 1001
    page = client.page(
        client.submit(url, {f"{skill.slug}-level": "3", f"{skill.slug}-comment": long})
    )
    assert page.error_summary == [f"Your comment on {skill.name} must be 1000 characters or fewer"]
    assert page.field_value(f"{skill.slug}-comment").strip() == long
    assert _ratings(db_session) == 0
    # Exactly 1000 is fine.
    response = client.submit(url, {f"{skill.slug}-level": "3", f"{skill.slug}-comment": "a" * 1000})
    assert response.status_code == 302
    assert _ratings(db_session) == 1


@pytest.mark.parametrize(
    ("comment", "found"),
    [
        ("Met him at LE1 6AA to talk it through", "a postcode (LE1 6AA)"),
        ("Mr Smith did not engage", "a name after Mr, Mrs, Ms or another title"),
        ("Case A123456 was hard", "a case reference number (A123456)"),
    ],
)
def test_personal_data_in_a_comment_is_an_error(
    client, db_session, draft_url, first_domain, comment, found
):
    url = f"{draft_url}/domains/{first_domain.code.lower()}"
    skill = first_domain.skills[0]
    page = client.page(
        client.submit(url, {f"{skill.slug}-level": "3", f"{skill.slug}-comment": comment})
    )
    assert len(page.error_summary) == 1
    assert page.error_summary[0].startswith(f"Your comment on {skill.name} looks like it includes")
    assert found in page.error_summary[0]
    assert page.soup.select_one(f'input[name="{skill.slug}-level"][value="3"]').has_attr("checked")
    assert page.field_value(f"{skill.slug}-comment").strip() == comment
    assert _ratings(db_session) == 0


def test_html_in_a_comment_is_kept_as_text(client, db_session, draft_url, first_domain):
    url = f"{draft_url}/domains/{first_domain.code.lower()}"
    skill = first_domain.skills[0]
    text = "<script>alert(1)</script> & <b>bold</b>"
    client.submit(url, {f"{skill.slug}-level": "3", f"{skill.slug}-comment": text})
    page = client.get_page(url)
    assert page.field_value(f"{skill.slug}-comment").strip() == text
    assert "<script>alert(1)</script>" not in page.response.get_data(as_text=True)


def test_an_unknown_confidence_is_an_error(client, db_session, draft_url, first_domain):
    url = f"{draft_url}/domains/{first_domain.code.lower()}"
    skill = first_domain.skills[0]
    page = client.page(
        client.submit(url, {f"{skill.slug}-level": "3", f"{skill.slug}-confidence": "total"})
    )
    assert page.error_summary == [
        f"Select how confident you are in your rating of {skill.name} from the list"
    ]
    assert _ratings(db_session) == 0


def test_an_unknown_domain_is_not_found(client, draft_url):
    client.get_page(f"{draft_url}/domains/zz", status=404)
    client.get_page(f"{draft_url}/domains/{'x' * 300}", status=404)


def test_learning_preferences_need_a_known_choice(client, db_session, draft_url):
    url = f"{draft_url}/how-you-like-to-learn"
    page = client.page(client.submit(url, {}))
    assert page.error_summary == ["Select how you like to learn"]
    assert page.title.startswith("Error: ")
    page = client.page(client.submit(url, {"learning_preferences": ["online", "telepathy"]}))
    assert page.error_summary == ["Select how you like to learn from the list"]
    # The valid choice typed alongside is still ticked.
    assert page.soup.select_one('input[name="learning_preferences"][value="online"]').has_attr(
        "checked"
    )


def test_preferences_page_has_a_legend(client, draft_url):
    page = client.get_page(f"{draft_url}/how-you-like-to-learn")
    legend = page.soup.select_one("fieldset legend")
    assert legend.get_text(" ", strip=True).endswith("How do you like to learn?")
    assert page.h1.endswith("How do you like to learn?")


def test_every_question_on_a_domain_page_has_a_legend_or_label(client, draft_url, first_domain):
    page = client.get_page(f"{draft_url}/domains/{first_domain.code.lower()}")
    fieldsets = page.soup.select("main fieldset")
    assert len(fieldsets) == 2 * len(first_domain.skills)
    for fieldset in fieldsets:
        assert fieldset.select_one("legend").get_text(strip=True)
    headings = [h.get_text(strip=True) for h in page.soup.select("main legend h2")]
    assert headings == [s.name for s in first_domain.skills]
    for skill in first_domain.skills:
        assert page.soup.select_one(f'label[for="{skill.slug}-comment"]')
        hints = [
            h.get_text(" ", strip=True)
            for h in page.soup.select(f'input[name="{skill.slug}-level"] ~ .govuk-radios__hint')
        ]
        assert hints == [skill.descriptor(level) for level in (1, 2, 3, 4)]
