"""The demo speaks (issue 17): open answers seeded, suggested, validated, reported.

On SQLite and PostgreSQL: seed-demo writes a few hundred de-identifiable open
answers once; the model's suggestions wait for a person; after validation,
``open-answers demo --json`` and the PDF show the same themes, counts and quotes.
"""

from __future__ import annotations

import json

import pypdf
from sqlalchemy import func, select

from survey_app.models import Answer, OpenAnswerTheme, Response, Role, Study, User
from survey_app.services import open_answers
from survey_app.services.demo_open_answers import ENGLISH, FRENCH


def _open_texts(session) -> list[tuple[str, str]]:
    return session.execute(
        select(Answer.value, Response.language)
        .join(Response)
        .where(Answer.question_key.in_(("comment", "change_text")), Answer.value.is_not(None))
    ).all()


def test_demo_open_answers_reach_the_report_after_a_person_validates(runner, session, tmp_path):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    texts = _open_texts(session)
    assert 200 <= len(texts) <= 600
    assert {language for _text, language in texts} == {"fr", "en"}
    assert len(FRENCH) + len(ENGLISH) >= 100
    study = session.scalar(select(Study).where(Study.slug == "demo"))
    themes = open_answers.themes_of(session, study)
    assert themes
    assert {t.status for t in themes} == {"suggested"}  # the model suggests, nobody validated

    # Idempotent: a second run changes neither the answers nor the suggestions.
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    assert sorted(_open_texts(session)) == sorted(texts)
    assert session.scalar(select(func.count(OpenAnswerTheme.id))) == len(themes)

    # De-identified for everyone who reads them here.
    read = open_answers.load_answers(session, study)
    assert any("[téléphone]" in a.text or "[nom]" in a.text for a in read)
    assert not any("06 12 34 56 78" in a.text or "Karim Benali" in a.text for a in read)

    manager = session.scalar(select(User).where(User.email == "qualite@demo.ecoute.example"))
    assert manager.memberships[0].role == Role.QUALITY_MANAGER.value
    biggest = sorted(themes, key=lambda t: -len(t.assignments))[:3]
    for index, theme in enumerate(biggest):
        open_answers.rename(session, study, theme.id, f"Thème {index + 1}", manager)
        open_answers.decide(session, study, theme.id, "validated", manager)
    session.commit()

    result = runner.invoke(args=["open-answers", "demo", "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert [t["label"] for t in payload["themes"]] == ["Thème 1", "Thème 2", "Thème 3"]
    out = tmp_path / "demo.pdf"
    assert runner.invoke(args=["report", "demo", "--out", str(out)]).exit_code == 0
    pdf_text = " ".join(
        " ".join(page.extract_text().split()) for page in pypdf.PdfReader(out).pages
    )
    assert "Avec leurs propres mots" in pdf_text
    for theme in payload["themes"]:
        overall = theme["overall"]
        assert not overall["suppressed"]
        assert f"{theme['label']} {overall['count']} " in pdf_text
        assert theme["quotes"]
        for quote in theme["quotes"]:
            assert " ".join(quote.split()) in pdf_text
            assert "[" not in quote
