"""The pages changed to close issue 15's last gaps, in Chromium with axe at 1280 and 360 px.

Conditions read in the interface language on the version page, the question page
and the preview; waves by name on the study page, the open-link page and the
assisted-mode page; the studies list and the import preview at 360 px; the audit
log's filter menu in whole words. axe-core (WCAG 2.x A and AA) must report no
violation and no page may scroll sideways (``Checker`` of the staff walk).
"""

from __future__ import annotations

from typing import Any

import pytest

from survey_app.extensions import db
from survey_app.models import Beneficiary, Role
from tests.browser.conftest import LiveServer
from tests.browser.test_staff_browser import Checker, _sign_in
from tests.core_factories import make_small_study
from tests.design_factories import stored_draft
from tests.factories import make_user
from tests.studies_factories import make_invitation

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def axe() -> Any:
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


def _world(live: LiveServer) -> dict[str, Any]:
    with live.app.app_context():
        built = make_small_study(db.session, slug="gaps")
        stored_draft(db.session, built.organisation, key="gapsq")
        person = Beneficiary(
            organisation_id=built.organisation.id,
            site_id=built.sites[0].id,
            code="G-0001",
            support_started_on=built.study.created_at.date(),
        )
        db.session.add(person)
        db.session.flush()
        invitation, _token = make_invitation(db.session, person, built.study.waves[1].id)
        world = {
            "invitation": invitation.id,
            "site": built.sites[0].id,
            "wave": built.study.waves[1].id,
            **{
                role.value: make_user(db.session, built.organisation, role).email
                for role in (Role.SOCIAL_WORKER, Role.ADMIN, Role.QUALITY_MANAGER)
            },
        }
        db.session.commit()
        db.session.remove()
    return world


def test_changed_staff_pages_pass_axe_at_both_widths(browser, live_server, axe, screenshots):
    world = _world(live_server)
    base = live_server.url
    check = Checker(axe, screenshots, "staff-gaps")
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    page = context.new_page()

    _sign_in(page, base, world["quality_manager"])
    check(page, "studies-list")
    page.goto(base + "/design/gapsq/v1/")
    assert "Posée si « " in page.locator(".condition-words").first.inner_text()
    check(page, "version-condition-in-words")
    page.goto(base + "/design/gapsq/v1/questions/why")
    assert page.locator(".condition-words").first.inner_text().startswith("Posée si « ")
    check(page, "question-condition-in-words")
    page.goto(base + "/design/gapsq/v1/preview?in=en")
    assert page.locator(".preview-hidden .preview-condition").count() == 1
    check(page, "preview-condition-hidden")
    page.goto(base + "/studies/gaps")
    assert "Suivi 1" in page.locator("main").inner_text()
    check(page, "study-waves-by-name")
    page.select_option("#wave_id", str(world["wave"]))
    page.select_option("#site_id", str(world["site"]))
    with page.expect_navigation():
        page.locator("form[action$='/open-links'] button").click()
    assert page.locator("dd", has_text="Suivi 1").count() == 1
    check(page, "open-link-wave-by-name")
    context.clear_cookies()

    _sign_in(page, base, world["social_worker"])
    page.goto(base + f"/s/assist/{world['invitation']}")
    assert "vague : Suivi 1" in page.locator("main").inner_text()
    check(page, "assist-wave-by-name")
    context.clear_cookies()

    _sign_in(page, base, world["admin"])
    page.goto(base + "/admin/audit")
    check(page, "audit-menu-in-words")
    context.close()
