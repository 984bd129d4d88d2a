"""Every user-facing string of the studies area has its French translation."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_file

from survey_app.translations import merged_catalogue

ROOT = Path(__file__).resolve().parents[3]
PYTHON_FILES = [
    "survey_app/studies/views.py",
    "survey_app/studies/forms.py",
    "survey_app/services/studies.py",
    "survey_app/services/invitations.py",
    "survey_app/services/beneficiaries.py",
    "survey_app/services/followup.py",
    "survey_app/services/people.py",
    "survey_app/services/beneficiary_import.py",
    "survey_app/services/messaging.py",
]
KEYWORDS = {"_": None, "_l": None, "gettext": None, "lazy_gettext": None}


def _messages() -> set[str]:
    found: set[str] = set()
    for name in PYTHON_FILES:
        for _line, message, _comments, _context in extract_from_file(
            "python", ROOT / name, keywords=KEYWORDS
        ):
            found.add(message if isinstance(message, str) else message[0])
    for path in sorted((ROOT / "survey_app/templates/studies").glob("*.html")):
        for _line, message, _comments, _context in extract_from_file(
            "jinja2.ext:babel_extract", path, keywords={"_": None}
        ):
            found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_string_has_french():
    catalogue = merged_catalogue()
    messages = _messages()
    assert len(messages) > 100
    missing = sorted(m for m in messages if not (catalogue.get(m) and catalogue.get(m).string))
    assert missing == []


def test_follow_up_page_in_french(client, session):
    from survey_app.models import Role
    from tests.factories import login, make_organisation, make_site, make_user
    from tests.studies_factories import make_study

    organisation = make_organisation(session)
    site = make_site(session, organisation)
    make_study(session, organisation, [site])
    worker = make_user(session, organisation, Role.SOCIAL_WORKER)
    session.commit()
    login(client, worker.email)
    page = client.get("/studies/follow-up", headers={"Accept-Language": "fr"})
    assert "Suivi des personnes accompagnées" in page.get_data(as_text=True)
