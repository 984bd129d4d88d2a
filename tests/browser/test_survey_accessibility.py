"""Accessibility proof of the respondent survey in a real Chromium (issue 5, point 5).

A whole survey is completed in each language, by keyboard only and by mouse,
with a close-and-resume in the middle; axe-core (WCAG 2.0/2.1/2.2 A and AA
rules) runs on every respondent page state, error states included, and must
report zero violations. Each page is saved as a 360 px wide screenshot in
``test-artifacts/screenshots/``. The first question page's weight (HTML and
everything it loads) must stay within 30 KB.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, select

from survey_app.extensions import db
from survey_app.models import Answer, Invitation, RateLimitCounter, Response
from survey_app.services.ratelimit import SURVEY_TOKEN_MISSES
from tests.browser.conftest import WCAG_TAGS, LiveServer, capture
from tests.respond_factories import make_invitation, make_open_link, make_survey_study

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 800}
FIRST_PAGE_BUDGET = 30 * 1024


@pytest.fixture(scope="module")
def axe() -> Any:
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


def _seed(live: LiveServer, *, builtin: str | None = None, links: int = 1) -> list[str]:
    """A study with ``links`` invitations; returns their tokens."""
    with live.app.app_context():
        setup = make_survey_study(db.session, builtin=builtin)
        issued = [make_invitation(db.session, setup) for _ in range(links)]
        db.session.commit()
        tokens = [item.token for item in issued]
        db.session.remove()
    return tokens


def _response_of(live: LiveServer, token: str) -> tuple[Response, dict[str, str | None]]:
    from survey_app.services.tokens import hash_secret

    with live.app.app_context():
        invitation = db.session.scalar(
            select(Invitation).where(Invitation.token_hash == hash_secret(token))
        )
        response = db.session.scalar(
            select(Response).where(Response.invitation_id == invitation.id)
        )
        answers = {
            a.question_key: a.value
            for a in db.session.scalars(select(Answer).where(Answer.response_id == response.id))
        }
        db.session.expunge_all()
        db.session.remove()
    return response, answers


class Checker:
    """Runs axe and takes the screenshot of each page state, named in order."""

    def __init__(self, axe: Any, folder: Path, prefix: str) -> None:
        self.axe = axe
        self.folder = folder
        self.prefix = prefix
        self.count = 0
        self.pages: list[str] = []
        for old in folder.glob(f"{prefix}-*.png"):
            old.unlink()

    def __call__(self, page: Any, state: str) -> None:
        # axe and the screenshot see the loaded page, not one still loading
        page.wait_for_load_state("load")
        self.count += 1
        name = f"{self.prefix}-{self.count:02d}-{re.sub(r'[^a-z0-9_-]+', '-', state.lower())}"
        capture(page, self.folder / f"{name}.png")
        results = self.axe.run(
            page,
            options={
                "runOnly": {"type": "tag", "values": WCAG_TAGS},
                "resultTypes": ["violations"],
            },
        )
        assert results.violations_count == 0, f"{state}:\n{results.generate_report()}"
        # Usable at 320 px (and so at 200% zoom on a 640 px screen): nothing scrolls sideways.
        page.set_viewport_size({"width": 320, "height": 800})
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        page.set_viewport_size(PHONE)
        assert overflow <= 0, f"{state}: {overflow}px of horizontal scrolling at 320 px"
        self.pages.append(state)


def _tab_to(page: Any, selector: str, limit: int = 40) -> None:
    """Press Tab until the focused element matches ``selector`` (keyboard only)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def _choose_by_keyboard(page: Any, code: str) -> None:
    """Select the radio whose value is ``code`` with Tab, Space and arrow keys."""
    _tab_to(page, "input[name=answer]")
    page.keyboard.press("Space")
    for _ in range(15):
        if page.evaluate("() => document.activeElement.value") == code:
            break
        page.keyboard.press("ArrowDown")
    assert page.locator(f"input[name=answer][value='{code}']").is_checked()


def _continue_by_keyboard(page: Any) -> None:
    _tab_to(page, "button[type=submit].button")
    with page.expect_navigation():
        page.keyboard.press("Enter")


#: One page of each kind of the built-in questionnaire (all kinds of widget and hint).
CHECKED_BUILTIN_PAGES = {
    "listen_heard",
    "auto_online",
    "auto_email",
    "goal_progress",
    "recommend",
    "ctx_since",
    "ctx_age",
    "ctx_children",
    "comment",
}
KEYBOARD_ANSWERS = {
    "agreement": "4",
    "yes_no": "yes",
    "rating": "9",
}


def test_keyboard_only_survey_in_french(browser, live_server, axe, screenshots):
    """The built-in baseline questionnaire, completed with the keyboard alone, in French."""
    (token,) = _seed(live_server, builtin="impact-baseline")
    check = Checker(axe, screenshots, "keyboard-fr")
    context = browser.new_context(viewport=PHONE, locale="fr-FR")
    page = context.new_page()
    page.goto(f"{live_server.url}/s/{token}")
    assert token not in page.url
    assert page.url.endswith("/s/start")
    assert page.locator("html").get_attribute("lang") == "fr"
    check(page, "consent")
    _continue_by_keyboard(page)
    seen = 0
    while "/s/q/" in page.url:
        seen += 1
        kind = page.locator("[data-read-aloud]").evaluate(
            "(el) => el.querySelector('input[type=radio]') ? 'radio'"
            " : el.querySelector('input[type=checkbox][name=answer]') ? 'boxes'"
            " : el.querySelector('textarea') ? 'text' : 'typed'"
        )
        key = page.url.rsplit("/", 1)[-1]
        if kind == "radio":
            values = page.locator("input[name=answer]").evaluate_all(
                "(els) => els.map((e) => e.value)"
            )
            if "10" in values:
                wanted = KEYBOARD_ANSWERS["rating"]
            elif "yes" in values:
                wanted = KEYBOARD_ANSWERS["yes_no"]
            elif "5" in values:
                wanted = KEYBOARD_ANSWERS["agreement"]
            else:
                wanted = values[0]
            if key == "ctx_age":
                wanted = "_pna"  # "prefer not to answer" is reachable too
            _choose_by_keyboard(page, wanted)
        elif kind == "typed":
            _tab_to(page, "#answer")
            page.keyboard.type("2")
        elif kind == "text":
            _tab_to(page, "#answer")
            page.keyboard.type("Merci pour tout")
        if key in CHECKED_BUILTIN_PAGES:
            check(page, f"question-{key}")
        _continue_by_keyboard(page)
    assert page.url.endswith("/s/review")
    check(page, "review")
    _continue_by_keyboard(page)
    assert page.url.endswith("/s/done")
    check(page, "done")
    context.close()

    response, answers = _response_of(live_server, token)
    assert seen == 23  # goal_set = yes shows goal_progress: all 23 questions
    assert response.completed_at is not None
    assert response.language == "fr"
    assert response.mode == "self"
    assert answers["listen_heard"] == "4"
    assert answers["goal_progress"] == "4"
    assert answers["recommend"] == "9"
    assert answers["ctx_age"] == "_pna"
    assert answers["ctx_children"] == "2"
    assert answers["comment"] == "Merci pour tout"


def test_mouse_survey_in_english_with_close_resume_and_errors(
    browser, live_server, axe, screenshots
):
    """Mouse and touch-like clicks, in English: errors, language switch, close and resume."""
    (token,) = _seed(live_server)
    check = Checker(axe, screenshots, "mouse-en")
    context = browser.new_context(viewport=PHONE, locale="en-GB")
    page = context.new_page()
    console_errors: list[str] = []

    def on_console(message: Any) -> None:
        # The browser's own /favicon.ico request (404) is not the page's doing.
        if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
            console_errors.append(message.text)

    page.on("console", on_console)
    page.goto(f"{live_server.url}/s/{token}")
    check(page, "consent")
    page.get_by_role("button", name="Start").click()
    assert page.url.endswith("/s/q/heard")
    check(page, "question-agreement")
    # The read-aloud script is allowed by the CSP and shows its button.
    read_aloud = page.get_by_role("button", name="Read aloud")
    assert read_aloud.is_visible()
    read_aloud.click()
    assert page.get_by_role("button", name="Stop reading").is_visible()
    page.get_by_role("button", name="Stop reading").click()
    assert console_errors == []
    # Error state: the required question left blank.
    page.get_by_role("button", name="Continue").click()
    assert page.get_by_role("alert").is_visible()
    check(page, "error-required")
    page.get_by_role("link", name="Select an answer").click()
    assert page.evaluate("() => document.activeElement.id") == "answer-0"
    page.get_by_label("Agree", exact=True).click()  # the text is the label: large target
    page.get_by_role("button", name="Continue").click()
    check(page, "question-yes-no")
    page.get_by_text("Yes", exact=True).click()
    page.get_by_role("button", name="Continue").click()
    assert page.url.endswith("/s/q/progress")
    # Close the browser half-way (the session cookie is lost) ...
    context.close()

    context = browser.new_context(viewport=PHONE, locale="en-GB")
    page = context.new_page()
    page.goto(f"{live_server.url}/s/{token}")
    # ... and reopening the link resumes at the first unanswered question.
    assert page.url.endswith("/s/q/progress")
    page.get_by_role("link", name="Back").click()
    assert page.get_by_label("Yes", exact=True).is_checked()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Strongly agree").click()
    page.get_by_role("button", name="Continue").click()
    check(page, "question-multiple")
    page.get_by_label("Work").click()
    page.get_by_label("I prefer not to answer").click()
    page.get_by_role("button", name="Continue").click()
    check(page, "error-multiple-and-pna")
    page.get_by_label("I prefer not to answer").click()
    # Switch to French mid-way: nothing saved is lost.
    page.get_by_role("button", name="Continue").click()
    assert page.url.endswith("/s/q/children")
    page.get_by_role("button", name="Français").click()
    assert page.locator("h1").inner_text() == "Combien d'enfants ?"
    check(page, "question-integer-french")
    page.get_by_label("Combien d'enfants ?").fill("many")
    page.get_by_role("button", name="Continuer").click()
    check(page, "error-integer-french")
    page.get_by_role("button", name="English").click()
    page.get_by_label("How many children?").fill("3")
    page.get_by_role("button", name="Continue").click()
    check(page, "question-text")
    page.get_by_label("Anything else?").fill("Thank you")
    page.get_by_role("button", name="Continue").click()
    assert page.url.endswith("/s/review")
    check(page, "review")
    page.get_by_role("link", name=re.compile(r"^Change\W+How many children\?$")).click()
    page.get_by_label("How many children?").fill("4")
    page.get_by_role("button", name="Continue").click()
    assert page.url.endswith("/s/review")
    assert page.get_by_text("4", exact=True).is_visible()
    page.get_by_role("button", name="Send my answers").click()
    check(page, "done")
    context.close()

    response, answers = _response_of(live_server, token)
    assert response.completed_at is not None
    assert response.language == "en"
    assert answers == {
        "heard": "4",
        "goal": "yes",
        "progress": "5",
        "topics": "work",
        "children": "4",
        "comment": "Thank you",
    }


def test_other_respondent_pages_are_accessible(browser, live_server, axe, screenshots):
    """Unavailable link, lost session, stale page, open link thanks, too many attempts."""
    tokens = _seed(live_server, links=1)
    check = Checker(axe, screenshots, "states")
    context = browser.new_context(viewport=PHONE, locale="en-GB")
    page = context.new_page()
    reply = page.goto(f"{live_server.url}/s/this-is-not-a-token")
    assert reply.status == 404
    check(page, "link-unavailable")
    page.get_by_role("button", name="Français").click()
    assert page.locator("h1").inner_text() == "Ce lien ne marche pas"
    assert "this-is-not-a-token" not in page.url
    page.get_by_role("button", name="English").click()
    reply = page.goto(f"{live_server.url}/s/q/heard")
    assert reply.status == 404
    check(page, "session-lost")
    # A stale page: the same question open in two tabs.
    page.goto(f"{live_server.url}/s/{tokens[0]}")
    page.get_by_role("button", name="Start").click()
    other_tab = context.new_page()
    other_tab.goto(f"{live_server.url}/s/q/heard")
    page.get_by_label("Agree", exact=True).click()
    page.get_by_role("button", name="Continue").click()
    other_tab.get_by_label("Disagree", exact=True).click()
    other_tab.get_by_role("button", name="Continue").click()
    assert other_tab.get_by_role("status").is_visible()
    check(other_tab, "stale-page")
    # Open link: answered once, then thanked instead of asked again.
    with live_server.app.app_context():
        setup = make_survey_study(db.session)
        _link, open_token = make_open_link(db.session, setup)
        db.session.commit()
        db.session.remove()
    fresh = browser.new_context(viewport=PHONE, locale="en-GB")
    anonymous = fresh.new_page()
    anonymous.goto(f"{live_server.url}/o/{open_token}")
    check(anonymous, "open-link-consent")
    anonymous.get_by_role("button", name="Start").click()
    anonymous.get_by_label("Strongly agree").click()
    anonymous.get_by_role("button", name="Continue").click()
    for _ in range(4):
        anonymous.get_by_role("button", name="Continue").click()
    anonymous.get_by_role("button", name="Send my answers").click()
    anonymous.goto(f"{live_server.url}/o/{open_token}")
    check(anonymous, "open-link-already-answered")
    fresh.close()
    # Too many unknown tokens from one address.
    for number in range(SURVEY_TOKEN_MISSES.limit):
        page.goto(f"{live_server.url}/s/unknown-{number}")
    reply = page.goto(f"{live_server.url}/s/unknown-last")
    assert reply.status == 429
    check(page, "too-many-attempts")
    with live_server.app.app_context():
        db.session.execute(delete(RateLimitCounter))
        db.session.commit()
        db.session.remove()
    context.close()


def test_first_question_page_weighs_at_most_30_kb(browser, live_server):
    """HTML, CSS, script and pictograms of the first question page, as transferred."""
    (token,) = _seed(live_server, builtin="impact-baseline")
    context = browser.new_context(viewport=PHONE, locale="fr-FR")
    page = context.new_page()
    page.goto(f"{live_server.url}/s/{token}")
    page.get_by_role("button", name="Commencer").click()
    first_question = page.url
    state = context.storage_state()
    context.close()

    cold = browser.new_context(viewport=PHONE, locale="fr-FR", storage_state=state)
    page = cold.new_page()
    loaded: list[tuple[str, int]] = []

    def record(request: Any) -> None:
        if request.url.endswith("/favicon.ico"):
            return  # asked by the browser itself, not by the page
        sizes = request.sizes()
        loaded.append((request.url, sizes["responseBodySize"] + sizes["responseHeadersSize"]))

    page.on("requestfinished", record)
    page.goto(first_question, wait_until="networkidle")
    cold.close()
    urls = [url for url, _size in loaded]
    assert any(url.endswith(".css") for url in urls)
    assert any(url.endswith(".svg") for url in urls)  # pictograms are loaded and counted
    total = sum(size for _url, size in loaded)
    assert total <= FIRST_PAGE_BUDGET, loaded


def test_language_button_keeps_the_answer_on_the_page(browser, live_server, axe, screenshots):
    """Tick, switch language: still ticked, in the other language; Enter still means Continue."""
    (token,) = _seed(live_server)
    check = Checker(axe, screenshots, "language-switch")
    context = browser.new_context(viewport=PHONE, locale="en-GB")
    page = context.new_page()
    page.goto(f"{live_server.url}/s/{token}")
    page.get_by_role("button", name="Start").click()
    assert page.url.endswith("/s/q/heard")
    page.get_by_label("Agree", exact=True).click()
    page.get_by_role("button", name="Français").click()
    assert page.url.endswith("/s/q/heard")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator("h1").inner_text() == "On m'écoute vraiment."
    assert page.get_by_label("D'accord", exact=True).is_checked()
    assert page.get_by_role("button", name="Continuer").is_visible()
    assert page.get_by_role("alert").count() == 0
    check(page, "question-after-switch-french")
    page.get_by_role("button", name="Continuer").click()
    assert page.url.endswith("/s/q/goal")
    page.get_by_text("Non", exact=True).click()
    page.get_by_role("button", name="Continuer").click()
    # Ticked boxes survive a switch back to English.
    page.get_by_label("Logement").click()
    page.get_by_label("Argent").click()
    page.get_by_role("button", name="English").click()
    assert page.locator("h1").inner_text() == "What do you come for?"
    assert page.get_by_label("Housing").is_checked()
    assert page.get_by_label("Money").is_checked()
    assert not page.get_by_label("Work").is_checked()
    check(page, "checkboxes-after-switch-english")
    page.get_by_role("button", name="Continue").click()
    assert page.url.endswith("/s/q/children")
    # A word in a number field, then the language button: kept, with the error, in French.
    page.get_by_label("How many children?").fill("many")
    page.get_by_role("button", name="Français").click()
    assert page.get_by_label("Combien d'enfants ?").input_value() == "many"
    assert page.get_by_role("alert").is_visible()
    check(page, "invalid-number-after-switch-french")
    # Enter in the text field is still Continue (not the language button after it).
    page.get_by_label("Combien d'enfants ?").fill("2")
    with page.expect_navigation():
        page.get_by_label("Combien d'enfants ?").press("Enter")
    assert page.url.endswith("/s/q/comment")
    assert page.locator("html").get_attribute("lang") == "fr"
    page.get_by_label("Autre chose ?").fill("Merci")
    page.get_by_role("button", name="English").click()
    assert page.get_by_label("Anything else?").input_value() == "Merci"
    page.get_by_role("button", name="Continue").click()
    assert page.url.endswith("/s/review")
    page.get_by_role("button", name="Send my answers").click()
    assert page.url.endswith("/s/done")
    assert token not in page.url
    context.close()

    response, answers = _response_of(live_server, token)
    assert response.language == "en"
    assert answers == {
        "heard": "4",
        "goal": "no",
        "topics": "housing money",
        "children": "2",
        "comment": "Merci",
    }
