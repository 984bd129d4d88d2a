"""The respondent pages' header: brand, language switch, hidden read-aloud button,
and the printed card's wording (issue 13, items 12, 13 and 14)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from tests.respond_factories import make_invitation, make_survey_study
from tests.web.respond.helpers import (
    answer,
    answer_up_to_comment,
    guards,
    open_survey,
    submit_review,
)

STATIC = Path(__file__).resolve().parents[3] / "survey_app" / "static"


def _header(html: str) -> str:
    return html[html.index("<header") : html.index("</header>")]


def _after_header(html: str) -> str:
    return html[html.index("</header>") :]


@pytest.fixture
def setup(session):
    return make_survey_study(session)


def _respondent_pages(app, session, setup) -> dict[str, str]:
    """Every kind of respondent page, as HTML, in English."""
    link = make_invitation(session, setup)
    session.commit()
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    pages = {
        "code": client.get("/code").get_data(as_text=True),
        "wrong code": client.post("/code", data={"code": "HX3P-QQ7R-2M"}).get_data(as_text=True),
        "unavailable": client.get("/s/link-unavailable").get_data(as_text=True),
        "no session": client.get("/s/start").get_data(as_text=True),
    }
    client.get(f"/s/{link.token}")
    pages["consent"] = client.get("/s/start").get_data(as_text=True)
    client.post("/s/start", data=guards(pages["consent"]))
    pages["question"] = client.get("/s/q/heard").get_data(as_text=True)
    pages["question error"] = answer(client, "heard", None).get_data(as_text=True)
    answer_up_to_comment(client)
    pages["text question"] = client.get("/s/q/comment").get_data(as_text=True)
    answer(client, "comment", "")
    pages["review"] = client.get("/s/review").get_data(as_text=True)
    submit_review(client)
    pages["done"] = client.get("/s/done").get_data(as_text=True)
    pages["privacy"] = client.get("/privacy").get_data(as_text=True)
    return pages


def test_brand_on_respondent_pages_links_nowhere(app, session, setup):
    for name, html in _respondent_pages(app, session, setup).items():
        header = _header(html)
        assert "Écoute" in header, name
        assert 'class="brand"' in header, name
        brand = re.search(r'<(\w+) class="brand"[^>]*>', header)
        assert brand is not None, name
        assert brand.group(1) != "a", f"{name}: the brand is a link"
        assert "/auth/login" not in html, name


def test_language_switch_is_in_the_header_once_on_every_respondent_page(app, session, setup):
    for name, html in _respondent_pages(app, session, setup).items():
        header = _header(html)
        assert header.count('name="lang"') == 1, name
        assert 'name="lang"' not in _after_header(html), f"{name}: a second language switch"


def test_question_page_language_switch_keeps_the_answer(app, session, setup):
    """The header button belongs to the answer form, so switching saves what is chosen."""
    link = make_invitation(session, setup)
    session.commit()
    client = app.test_client()
    open_survey(client, link.token)
    html = client.get("/s/q/heard").get_data(as_text=True)
    button = re.search(r"<button[^>]*name=\"lang\"[^>]*>", _header(html)).group(0)
    assert 'form="answer-form"' in button
    assert 'formaction="/s/q/heard/language"' in button
    # Enter in the form still means Continue: a default Continue button comes first.
    first_submit = re.search(r'<button[^>]*form="answer-form"[^>]*>', html).group(0)
    assert 'name="lang"' not in first_submit
    data = guards(html)
    data.update(answer="4", lang="en")
    reply = client.post("/s/q/heard/language", data=data)
    assert reply.status_code == 303
    assert client.get("/s/q/heard").get_data(as_text=True).count("checked") == 1


def test_hidden_attribute_wins_over_button_display():
    """The read-aloud button is ``hidden`` until the script finds speech support."""
    css = (STATIC / "css" / "ecoute.css").read_text(encoding="utf-8")
    compact = re.sub(r"\s+", "", css)
    assert "[hidden]{display:none!important;}" in compact or (
        "[hidden]{display:none!important}" in compact
    )


def _card(app, language: str) -> str:
    from flask import render_template

    from survey_app.models import Organisation

    with app.test_request_context("/", headers={"Accept-Language": language}):
        return render_template(
            "studies/card.html",
            organisation=Organisation(name="Accueil de jour", slug="x"),
            url="https://ecoute.example.org/s/abc",
            short_code="K7QM-4TZ2-9B",
            code_url="ecoute.example.org/code",
            qr="data:image/svg+xml,",
            expires_on=date(2027, 1, 31),
            language=language,
        )


@pytest.mark.parametrize(
    ("language", "scan", "type_code", "truth"),
    [
        ("fr", "Scannez le code", "Ou tapez ce code", "Votre nom n’est pas sur vos réponses"),
        ("en", "Scan the code", "Or type this code", "Your name is not on your answers"),
    ],
)
def test_printed_card_says_what_is_true_in_reading_order(app, language, scan, type_code, truth):
    html = _card(app, language).replace("'", "’")
    assert "anonym" not in html.lower()
    assert truth in html
    assert html.index(scan) < html.index(type_code)
    assert html.index(scan) < html.index("<img")  # the instruction comes before the QR code


def test_printed_card_still_fits_one_a6_page(app):
    import io

    from pypdf import PdfReader

    from survey_app.services import cards, qrcodes

    html = _card(app, "fr").replace(
        "data:image/svg+xml,", qrcodes.qr_data_uri("https://ecoute.example.org/s/" + "A" * 43)
    )
    assert len(PdfReader(io.BytesIO(cards.card_pdf(html))).pages) == 1
