"""The portal by keyboard alone: the skip link, signing in, a visible focus on every control,
and a refused field that says what is wrong next to itself."""

import pytest

from tests.factories.portal import PASSWORD
from tests.factories.providers import ProviderFactory, admin_of

pytestmark = pytest.mark.e2e


def focused(page, prop):
    return page.evaluate(f"() => document.activeElement.{prop}")


def tab_to(page, name, limit=40):
    """Press Tab until the field named ``name`` has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if focused(page, "name") == name:
            return
    raise AssertionError(f"Tab never reached the field {name!r}")


def test_the_first_tab_offers_to_skip_to_the_main_content(page):
    page.goto("/")

    page.keyboard.press("Tab")
    assert focused(page, "getAttribute('href')") == "#main"
    page.keyboard.press("Enter")
    assert focused(page, "id") == "main"


def test_a_member_signs_in_with_the_keyboard_alone(page):
    user = admin_of(ProviderFactory(verified=True))
    page.goto("/accounts/login/")

    assert focused(page, "name") == "username"  # the form takes the focus on arrival
    page.keyboard.type(user.username)
    page.keyboard.press("Tab")
    assert focused(page, "name") == "password"
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert "/accounts/login/" not in page.url
    assert user.get_full_name() in page.locator("header").inner_text()


def test_every_control_shows_where_the_focus_is(page):
    page.goto("/")
    seen = []
    for _ in range(20):
        page.keyboard.press("Tab")
        outline = page.evaluate(
            """() => {
                const style = getComputedStyle(document.activeElement);
                return [document.activeElement.outerHTML.slice(0, 80), style.outlineStyle,
                        style.outlineWidth];
            }"""
        )
        seen.append(outline)
    # After the last control the focus leaves the page and comes back to its body.
    controls = [row for row in seen if not row[0].startswith("<body")]
    assert len(controls) >= 10
    unmarked = [html for html, style, width in controls if style == "none" or width == "0px"]
    assert unmarked == [], unmarked


def test_a_refused_field_says_why_next_to_itself(page):
    page.goto("/accounts/signup/")
    tab_to(page, "email")
    page.keyboard.type("not an address")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    email = page.locator("main input[name=email]")
    assert email.get_attribute("aria-invalid") == "true"
    described = email.get_attribute("aria-describedby") or ""
    errors = [page.locator(f"[id='{ref}']").inner_text() for ref in described.split()]
    assert any("email address" in text.lower() for text in errors), (described, errors)
