"""Theme review in a real Chromium, CSRF on, pages without JavaScript (issue 17).

A quality manager asks the model for suggestions, renames and validates a
theme, splits answers into a new theme and excludes one from quotes, using
only form posts. axe-core (WCAG 2.x A and AA) must report no violation on
each page; nothing may scroll sideways on a 360 px screen.
"""

from __future__ import annotations

import pytest

from survey_app.extensions import db
from survey_app.models import Role
from tests.browser.test_design_browser import Checker
from tests.factories import TEST_PASSWORD, make_organisation, make_site, make_user
from tests.open_answers_factories import THEMED_FR, make_open_answer_study

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


def _study(live) -> tuple[str, str]:
    with live.app.app_context():
        organisation = make_organisation(db.session)
        site_a, site_b = make_site(db.session, organisation), make_site(db.session, organisation)
        texts = [t for group in THEMED_FR.values() for t in group] * 2
        answers = [
            (site_a if i % 2 else site_b, "self", "fr", text) for i, text in enumerate(texts)
        ]
        answers.append((site_a, "self", "fr", "Merci à Karim, mon numéro est 06 12 34 56 78."))
        study = make_open_answer_study(db.session, organisation, [site_a, site_b], answers)
        user = make_user(db.session, organisation, Role.QUALITY_MANAGER)
        db.session.commit()
        result = (user.email, study.slug)
        db.session.remove()
    return result


def test_theme_review_without_javascript(browser, live_server, axe, screenshots):
    email, slug = _study(live_server)
    check = Checker(axe, screenshots)
    # axe needs JavaScript to run; the pages themselves carry none (checked below).
    context = browser.new_context(viewport={"width": 1100, "height": 900}, locale="fr-FR")
    page = context.new_page()
    base = live_server.url
    page.goto(base + "/auth/login")
    page.fill("#email", email)
    page.fill("#password", TEST_PASSWORD)
    with page.expect_navigation():
        page.click("main button.button")

    page.goto(f"{base}/studies/{slug}/open-answers")
    check(page, "open-answers-empty")
    with page.expect_navigation():
        page.click("text=Demander de nouvelles propositions au modèle")
    assert "modèle statistique" in page.content()
    check(page, "open-answers-suggested")

    page.click("main table a >> nth=0")
    check(page, "open-answers-theme")
    page.fill("#label", "Logement")
    with page.expect_navigation():
        page.click("text=Renommer >> nth=1")
    with page.expect_navigation():
        page.click("text=Valider : le montrer dans les rapports")
    assert "Thème validé" in page.content()
    page.check("input[name=answers] >> nth=0")
    page.check("input[name=answers] >> nth=1")
    page.fill("#new_label", "Humidité")
    with page.expect_navigation():
        page.click("main button.button:has-text('Appliquer')")
    assert "Thème : Humidité" in page.content()
    page.check("input[name=answers] >> nth=0")
    page.select_option("#action", "exclude")
    with page.expect_navigation():
        page.click("main button.button:has-text('Appliquer')")
    assert "jamais citée" in page.content()
    check(page, "open-answers-split")
    assert page.locator("script").count() == 0

    page.goto(f"{base}/studies/{slug}/open-answers/unthemed")
    check(page, "open-answers-unthemed")
    assert "06 12 34 56 78" not in page.content()
    context.close()
