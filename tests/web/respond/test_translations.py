"""Every user-facing string of the survey has its French, and French pages use it."""

from __future__ import annotations

import re
from pathlib import Path

from survey_app.translations import merged_catalogue
from tests.respond_factories import make_invitation, make_survey_study
from tests.web.respond.helpers import answer, open_survey

ROOT = Path(__file__).resolve().parents[3]
SOURCES = [
    *sorted((ROOT / "survey_app/templates/respond").glob("*.html")),
    ROOT / "survey_app/respond/forms.py",
    ROOT / "survey_app/respond/views.py",
]
CALL = re.compile(r"""\b_l?\(\s*(["'])(.+?)(?<!\\)\1""", re.S)


def _source_strings() -> set[str]:
    found: set[str] = set()
    for path in SOURCES:
        if path.name == "privacy.html":  # the security engineer's page
            continue
        found.update(match.group(2) for match in CALL.finditer(path.read_text()))
    return found


def test_every_survey_string_has_a_french_translation():
    catalogue = merged_catalogue()
    strings = _source_strings()
    assert len(strings) > 50
    missing = sorted(s for s in strings if not (catalogue.get(s) and catalogue.get(s).string))
    assert missing == []


def test_french_pages_show_french_everywhere(client, session):
    setup = make_survey_study(session)
    link = make_invitation(session, setup)
    session.commit()
    french = {"Accept-Language": "fr"}
    open_survey(client, link.token, **french)
    page = client.get("/s/q/heard", headers=french).get_data(as_text=True)
    for expected in ("Question 1 sur 5", "Continuer", "Retour", "Tout à fait d&#39;accord"):
        assert expected in page
    refused = answer(client, "heard", None)  # no Accept-Language: French by default
    assert "Choisissez une réponse" in refused.get_data(as_text=True)
