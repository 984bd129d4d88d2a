"""The survey walked again after the review (issue 13): 360 px, with and without
JavaScript, a wrong card code, an open link closed and reopened, a second tab.

axe-core (WCAG 2.0/2.1/2.2 A and AA) must report zero violations on every page
state; screenshots go to ``test-artifacts/screenshots/review-*.png``.
"""

from __future__ import annotations

from typing import Any

import pytest

from survey_app.extensions import db
from tests.browser.conftest import LiveServer, capture
from tests.browser.test_survey_accessibility import PHONE, Checker, _seed, axe  # noqa: F401
from tests.respond_factories import make_invitation, make_open_link, make_survey_study

pytestmark = pytest.mark.browser


def _seed_card_and_open_link(live: LiveServer) -> tuple[str, str]:
    with live.app.app_context():
        setup = make_survey_study(db.session)
        issued = make_invitation(db.session, setup)
        _link, open_token = make_open_link(db.session, setup)
        db.session.commit()
        db.session.remove()
    return issued.short_code, open_token


def test_without_javascript_the_survey_works_and_shows_no_dead_button(
    browser, live_server, screenshots
):
    (token,) = _seed(live_server)
    context = browser.new_context(viewport=PHONE, locale="fr-FR", java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/s/{token}")
    capture(page, screenshots / "review-nojs-01-consent.png")
    assert page.locator("header a.brand").count() == 0  # the brand leads nowhere
    page.get_by_role("button", name="Commencer").click()
    assert page.url.endswith("/s/q/heard")
    read_aloud = page.locator("button.read-aloud")
    assert read_aloud.count() == 1
    assert not read_aloud.is_visible()
    capture(page, screenshots / "review-nojs-02-question.png")
    # The header's language switch works without JavaScript and keeps the choice.
    page.get_by_label("D'accord", exact=True).check()
    page.locator("header").get_by_role("button", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_label("Agree", exact=True).is_checked()
    capture(page, screenshots / "review-nojs-03-switched.png")
    page.get_by_role("button", name="Continue").click()
    assert page.url.endswith("/s/q/goal")
    context.close()


def test_read_aloud_stays_hidden_without_speech_support(browser, live_server, axe):  # noqa: F811
    (token,) = _seed(live_server)
    context = browser.new_context(viewport=PHONE, locale="fr-FR")
    context.add_init_script(
        "delete window.speechSynthesis; delete window.SpeechSynthesisUtterance;"
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/s/{token}")
    page.get_by_role("button", name="Commencer").click()
    page.wait_for_load_state("load")
    assert not page.locator("button.read-aloud").is_visible()
    context.close()


def test_wrong_code_stays_on_the_code_page(browser, live_server, axe, screenshots):  # noqa: F811
    short_code, _open = _seed_card_and_open_link(live_server)
    check = Checker(axe, screenshots, "review-code")
    for javascript in (True, False):
        context = browser.new_context(
            viewport=PHONE, locale="en-GB", java_script_enabled=javascript
        )
        page = context.new_page()
        page.goto(f"{live_server.url}/code")
        page.get_by_label("Code on your card").fill("k7qm 4tz2 9x")
        page.get_by_role("button", name="Continue").click()
        assert page.url.endswith("/code")
        assert page.get_by_label("Code on your card").input_value() == "k7qm 4tz2 9x"
        summary = page.locator(".error-summary")
        assert summary.is_visible()
        assert "We do not recognise this code" in summary.inner_text()
        if javascript:
            check(page, "wrong-code")
        else:
            capture(page, screenshots / "review-code-nojs.png")
        # Corrected, it goes on to the survey.
        page.get_by_label("Code on your card").fill(short_code)
        page.get_by_role("button", name="Continue").click()
        assert page.url.endswith("/s/start")
        context.close()


def _persistent_only(context: Any) -> dict[str, Any]:
    """The browser's state after it is closed: session cookies gone, persistent ones kept."""
    state = context.storage_state()
    state["cookies"] = [c for c in state["cookies"] if c.get("expires", -1) > 0]
    return state


def test_open_link_closed_and_reopened_continues(browser, live_server, axe, screenshots):  # noqa: F811
    _code, open_token = _seed_card_and_open_link(live_server)
    check = Checker(axe, screenshots, "review-open-link")
    context = browser.new_context(viewport=PHONE, locale="en-GB")
    page = context.new_page()
    page.goto(f"{live_server.url}/o/{open_token}")
    check(page, "consent")
    assert "open the same link again" in page.locator("main").inner_text()
    page.get_by_role("button", name="Start").click()
    page.get_by_label("Agree", exact=True).click()
    page.get_by_role("button", name="Continue").click()
    page.get_by_text("No", exact=True).click()
    page.get_by_role("button", name="Continue").click()
    stopped_at = page.url
    assert "/s/q/" in stopped_at
    # A second tab with the same poster link: the first tab's survey is not replaced.
    second = context.new_page()
    second.goto(f"{live_server.url}/o/{open_token}")
    assert second.url == stopped_at
    second.close()
    check(page, "first-tab-after-second-tab")
    state = _persistent_only(context)
    context.close()

    reopened = browser.new_context(viewport=PHONE, locale="en-GB", storage_state=state)
    page = reopened.new_page()
    page.goto(f"{live_server.url}/o/{open_token}")
    assert page.url == stopped_at, "the survey did not resume where the person stopped"
    check(page, "reopened")
    while "/s/q/" in page.url:
        page.get_by_role("button", name="Continue").click()
    assert page.url.endswith("/s/review")
    page.get_by_role("button", name="Send my answers").click()
    assert page.url.endswith("/s/done")
    check(page, "done")
    page.goto(f"{live_server.url}/o/{open_token}")
    assert "You have already answered" in page.locator("h1").inner_text()
    reopened.close()
