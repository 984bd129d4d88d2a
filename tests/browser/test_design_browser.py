"""The questionnaire designer in a real Chromium, CSRF protection on.

A quality manager creates a questionnaire, adds a single-choice question
(reordering its choices with the row buttons, no JavaScript involved), saves
with the Enter key, moves it up, previews it, publishes it, starts a new
draft and imports an XLSForm with an unsupported row. axe-core (WCAG 2.x A
and AA) runs on each designer page state and must report no violation;
nothing may scroll sideways on a 360 px screen.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from survey_app.extensions import db
from survey_app.models import Role
from tests.browser.conftest import WCAG_TAGS, LiveServer, capture
from tests.design_factories import GOOD_CHOICES, GOOD_SETTINGS, GOOD_SURVEY, xlsform_bytes
from tests.factories import TEST_PASSWORD, make_organisation, make_user

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def axe() -> Any:
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


def _quality_manager(live: LiveServer) -> str:
    with live.app.app_context():
        organisation = make_organisation(db.session)
        user = make_user(db.session, organisation, Role.QUALITY_MANAGER)
        db.session.commit()
        email = user.email
        db.session.remove()
    return email


class Checker:
    def __init__(self, axe: Any, folder: Path) -> None:
        self.axe = axe
        self.folder = folder
        self.count = 0
        for old in folder.glob("design-*.png"):
            old.unlink()

    def __call__(self, page: Any, state: str) -> None:
        # axe and the screenshot see the loaded page, not one still loading
        page.wait_for_load_state("load")
        self.count += 1
        name = f"design-{self.count:02d}-{re.sub(r'[^a-z0-9_-]+', '-', state.lower())}"
        results = self.axe.run(
            page,
            options={
                "runOnly": {"type": "tag", "values": WCAG_TAGS},
                "resultTypes": ["violations"],
            },
        )
        assert results.violations_count == 0, f"{state}:\n{results.generate_report()}"
        page.set_viewport_size({"width": 360, "height": 800})
        capture(page, self.folder / f"{name}.png")
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        page.set_viewport_size({"width": 1100, "height": 900})
        assert overflow <= 0, f"{state}: {overflow}px of horizontal scrolling at 360 px"


def test_designer_flow_in_a_browser(browser, live_server, axe, screenshots, tmp_path):
    email = _quality_manager(live_server)
    check = Checker(axe, screenshots)
    context = browser.new_context(viewport={"width": 1100, "height": 900}, locale="fr-FR")
    page = context.new_page()
    base = live_server.url
    page.goto(base + "/auth/login")
    page.fill("#email", email)
    page.fill("#password", TEST_PASSWORD)
    with page.expect_navigation():
        page.click("main button.button")

    page.goto(base + "/design/")
    check(page, "list")
    page.click("text=Créer un questionnaire")
    page.fill("#key", "ma-question")
    page.click("main form button.button")
    check(page, "create-errors")
    for name, text in [
        ("title", "Titre"),
        ("intro", "Bonjour."),
        ("consent", "Libre."),
        ("first_question", "Comment allez-vous ?"),
    ]:
        page.fill(f"#{name}-fr", text)
        page.fill(f"#{name}-en", text + " (en)")
    with page.expect_navigation():
        page.click("main form button.button")
    assert page.url.endswith("/design/ma-question/v1/")
    check(page, "draft")

    # The page's deferred script shows the fields of the type chosen: wait for "load"
    # (it has run by then), or on a busy machine the choice rows are still hidden.
    with page.expect_navigation(wait_until="load"):
        page.click("text=Ajouter une question à cette section")
    page.fill("#key", "choix")
    page.select_option("#type", "single_choice")
    page.fill("#label-fr", "Que préférez-vous ?")
    page.fill("#label-en", "What do you prefer?")
    for row, (code, fr, en) in enumerate([("tea", "Thé", "Tea"), ("coffee", "Café", "Coffee")]):
        page.fill(f"#choices-{row}-code", code)
        page.fill(f"#choices-{row}-fr", fr)
        page.fill(f"#choices-{row}-en", en)
    with page.expect_navigation():
        page.click("button[value='choice_down:0']")
    assert page.input_value("#choices-0-code") == "coffee"
    assert page.input_value("#label-en") == "What do you prefer?"  # nothing typed is lost
    page.fill("#choices-1-en", "")
    with page.expect_navigation():
        page.click("main form button.button[value='']:not(.visually-hidden)")
    check(page, "question-errors")
    page.fill("#choices-1-en", "Tea")
    page.focus("#key")
    with page.expect_navigation():
        page.keyboard.press("Enter")  # Enter saves (the first submit button is "save")
    assert page.url.endswith("/design/ma-question/v1/#q-choix")

    with page.expect_navigation():
        page.click("#q-choix button:has-text('Monter')")
    assert page.locator(".question-row code").all_inner_texts()[:2] == ["choix", "q1"]
    page.goto(base + "/design/ma-question/v1/preview?in=en")
    assert page.locator("#preview-choix label").all_inner_texts() == ["Coffee", "Tea"]
    check(page, "preview")
    page.goto(base + "/design/ma-question/v1/translations")
    check(page, "translations")

    page.goto(base + "/design/ma-question/v1/publish")
    check(page, "publish-confirm")
    with page.expect_navigation():
        page.click("main form button.button")
    assert page.locator(".tag-published").count() == 1
    check(page, "published")
    with page.expect_navigation():
        page.click("text=Créer un nouveau brouillon à partir de cette version")
    assert page.url.endswith("/design/ma-question/v2/")

    workbook = tmp_path / "jobs.xlsx"
    workbook.write_bytes(
        xlsform_bytes(
            [*GOOD_SURVEY, ["calculate", "calc", "", "", "", ""]], GOOD_CHOICES, GOOD_SETTINGS
        )
    )
    page.goto(base + "/design/import")
    page.set_input_files("#file", str(workbook))
    with page.expect_navigation():
        page.click("main form button.button")
    check(page, "import-consent")
    page.check("#accept_ignored")
    with page.expect_navigation():
        page.click("main form button.button")
    assert page.url.endswith("/design/jobs/v1/")
    context.close()
