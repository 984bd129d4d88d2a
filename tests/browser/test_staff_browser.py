"""Staff pages of issue 15 in a real Chromium, with and without JavaScript.

A social worker imports people from a CSV file (preview, then confirm), finds
one by code with the GET filters, and prints cards for a selection; an
administrator sets up SMS and reads the audit log; a quality manager sees a
study's live progress and builds a condition from lists; a director lands on
a dashboard. axe-core (WCAG 2.x A and AA) runs on every page state at 1280 px
and 360 px, which must not scroll sideways.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from survey_app.extensions import db
from survey_app.models import Role
from tests.browser.conftest import WCAG_TAGS, LiveServer, capture
from tests.core_factories import make_small_study
from tests.factories import TEST_PASSWORD, make_user

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def axe() -> Any:
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


def _world(live: LiveServer) -> dict[str, str]:
    with live.app.app_context():
        built = make_small_study(db.session, slug="walk")
        emails = {
            role.value: make_user(db.session, built.organisation, role).email
            for role in (Role.SOCIAL_WORKER, Role.ADMIN, Role.QUALITY_MANAGER, Role.DIRECTOR)
        }
        db.session.commit()
        db.session.remove()
    return emails


class Checker:
    def __init__(self, axe: Any, folder: Path, prefix: str, *, scripts: bool = True) -> None:
        # Without JavaScript in the page, axe and the overflow probe cannot run in it:
        # the no-JS walk proves the flow works and keeps its screenshots.
        self.axe, self.folder, self.prefix, self.count = axe, folder, prefix, 0
        self.scripts = scripts
        for old in folder.glob(f"{prefix}-*.png"):
            old.unlink()

    def __call__(self, page: Any, state: str) -> None:
        # axe and the screenshot see the loaded page, not one still loading
        page.wait_for_load_state("load")
        self.count += 1
        name = f"{self.prefix}-{self.count:02d}-{re.sub(r'[^a-z0-9_-]+', '-', state.lower())}"
        for width in (1280, 360):
            page.set_viewport_size({"width": width, "height": 900})
            if not self.scripts:
                capture(page, self.folder / f"{name}-{width}.png")
                continue
            results = self.axe.run(
                page,
                options={
                    "runOnly": {"type": "tag", "values": WCAG_TAGS},
                    "resultTypes": ["violations"],
                },
            )
            assert results.violations_count == 0, f"{state} @{width}:\n{results.generate_report()}"
            capture(page, self.folder / f"{name}-{width}.png")
            overflow = page.evaluate(
                "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            wide = page.evaluate(
                "() => [...document.querySelectorAll('body *')].filter("
                "e => e.getBoundingClientRect().right > document.documentElement.clientWidth)"
                ".slice(0, 5).map(e => e.tagName + '.' + e.className)"
            )
            assert overflow <= 0, f"{state}: {overflow}px sideways at {width} px: {wide}"
        page.set_viewport_size({"width": 1280, "height": 900})


def _sign_in(page: Any, base: str, email: str) -> None:
    page.goto(base + "/auth/login")
    page.fill("#email", email)
    page.fill("#password", TEST_PASSWORD)
    with page.expect_navigation():
        page.click("main button.button")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_staff_walk(browser, live_server, axe, screenshots, tmp_path, javascript):
    emails = _world(live_server)
    base = live_server.url
    check = Checker(axe, screenshots, f"staff-{'js' if javascript else 'nojs'}", scripts=javascript)
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="fr-FR", java_script_enabled=javascript
    )
    page = context.new_page()

    # Social worker: lands on "to invite", imports people, finds one, prints cards.
    _sign_in(page, base, emails["social_worker"])
    assert "/studies/follow-up" in page.url
    check(page, "landing-to-invite")
    page.goto(base + "/studies/beneficiaries/import")
    check(page, "import")
    rows = ["reference;site;start_date;phone"] + [
        f"W-{i:04d};{'north' if i % 2 else 'south'};2026-01-05;06 12 34 56 {i % 100:02d}"
        for i in range(120)
    ]
    bad = tmp_path / "bad.csv"
    bad.write_text("reference;site;start_date\nX;nowhere;2026-13-01\n", encoding="utf-8")
    page.set_input_files("#file", str(bad))
    with page.expect_navigation():
        page.click("main form button.button")
    assert page.locator("#problems-title").count() == 1
    check(page, "import-problems")
    good = tmp_path / "people.csv"
    good.write_text("\n".join(rows) + "\n", encoding="utf-8")
    page.set_input_files("#file", str(good))
    with page.expect_navigation():
        page.click("main form button.button")
    check(page, "import-preview")
    with page.expect_navigation():
        page.click("main form button.button")
    page.goto(base + "/studies/follow-up?study=walk")
    assert "120" in page.locator("caption").inner_text()
    check(page, "follow-up-page-1")
    page.fill("#q", "W-0042")
    with page.expect_navigation():
        page.click("form[role=search] button")
    assert page.locator("tbody th[scope=row]").all_inner_texts() == ["W-0042"]
    check(page, "follow-up-search")
    page.goto(base + "/studies/follow-up?study=walk&sort=code")
    for box in page.locator("input[name=beneficiary]").all()[:5]:
        box.check()
    with page.expect_download() as download:
        page.click("text=Imprimer les cartes des personnes choisies")
    saved = tmp_path / "cards.pdf"
    download.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF")
    page.goto(base + "/studies/follow-up?study=walk&q=W-0100")
    page.click("tbody button.link-button")  # "Inviter maintenant" creates the invitation
    page.wait_for_load_state()
    check(page, "delivery")
    page.click("text=Terminé")
    page.wait_for_load_state()
    check(page, "invitation-no-channel")
    context.clear_cookies()

    # Administrator: SMS set-up, texts, settings, audit log in words, members.
    _sign_in(page, base, emails["admin"])
    page.goto(base + "/admin/messages")
    check(page, "admin-messages")
    page.goto(base + "/admin/settings")
    check(page, "admin-settings")
    page.goto(base + "/admin/audit")
    assert "A importé 120 personnes accompagnées" in page.content()
    check(page, "admin-audit")
    page.goto(base + "/admin/")
    check(page, "admin-members")
    context.clear_cookies()

    # Quality manager: live progress, a new study asks who takes part, a condition from lists.
    _sign_in(page, base, emails["quality_manager"])
    page.goto(base + "/studies/walk")
    check(page, "study-progress")
    page.goto(base + "/studies/new")
    check(page, "study-new")
    page.goto(base + "/design/impact-baseline/v1/")
    page.goto(base + "/design/import")
    page.goto(base + "/design/xlsform-conventions")
    check(page, "xlsform-conventions")
    context.clear_cookies()

    # Director: lands on the dashboard of the most recent study.
    _sign_in(page, base, emails["director"])
    assert "/reports/preview" in page.url
    check(page, "director-dashboard")  # its wide tables scroll, and can be reached by keyboard
    context.close()
