"""The loader reads every stored value, including those outside the known answer codes.

The database codes answers as integers for speed (see
``survey_app.services.analysis_input``): the values any closed question
allows are coded in SQL, others (say a code removed from a list, or written
by an older version) are read as text. Response ids that are not the usual
random hex are read too.
"""

from __future__ import annotations

from datetime import date

from survey_app.models import Answer, QuestionnaireVersion, Response
from survey_app.services.analysis_input import load_study_tables
from tests.core_factories import make_small_study


def _response(session, small, response_id: str | None, answers: dict[str, str | None]) -> str:
    wave = min(small.study.waves, key=lambda w: w.position)
    version = session.get(QuestionnaireVersion, wave.questionnaire_version_id)
    response = Response(
        organisation_id=small.organisation.id,
        study_id=small.study.id,
        wave_id=wave.id,
        questionnaire_version_id=version.id,
        site_id=small.sites[0].id,
        mode="self",
        language="fr",
        completed_on=date(2025, 2, 1),
        consented=True,
    )
    if response_id is not None:
        response.id = response_id
    session.add(response)
    session.flush()
    for key, value in answers.items():
        session.add(Answer(response_id=response.id, question_key=key, value=value))
    session.flush()
    return response.id


def _values(tables) -> dict[tuple[str, str], str | None]:
    frame = tables.answers
    return {
        (str(r), str(q)): (None if v != v or v is None else str(v))
        for r, q, v in zip(frame["response_id"], frame["question_key"], frame["value"], strict=True)
    }


def test_unlisted_values_are_read_as_stored(session):
    small = make_small_study(session)
    first = _response(
        session,
        small,
        None,
        {"ctx_since": "old-code", "ctx_age": "_pna", "listen_heard": "4", "listen_time": None},
    )
    second = _response(session, small, None, {"ctx_since": "other-old", "listen_heard": "x9"})
    tables = load_study_tables(session, small.study)
    assert _values(tables) == {
        (first, "ctx_since"): "old-code",
        (first, "ctx_age"): "_pna",
        (first, "listen_heard"): "4",
        (first, "listen_time"): None,
        (second, "ctx_since"): "other-old",
        (second, "listen_heard"): "x9",
    }


def test_response_ids_that_are_not_hex_are_read(session):
    small = make_small_study(session)
    odd = _response(session, small, "imported-Z-0001", {"listen_heard": "2"})
    usual = _response(session, small, None, {"listen_heard": "3", "ctx_since": "unlisted"})
    tables = load_study_tables(session, small.study)
    assert _values(tables) == {
        (odd, "listen_heard"): "2",
        (usual, "listen_heard"): "3",
        (usual, "ctx_since"): "unlisted",
    }


def test_answers_read_in_several_ranges_of_responses_are_all_read(session, monkeypatch):
    """A large study's answers are read a range of responses at a time: none lost or doubled."""
    from survey_app.services import answer_codes

    small = make_small_study(session)
    written = {}
    for index in range(7):
        value = str(index % 5 + 1)
        response = _response(session, small, None, {"listen_heard": value, "ctx_age": "_pna"})
        written[(response, "listen_heard")] = value
        written[(response, "ctx_age")] = "_pna"
    whole = _values(load_study_tables(session, small.study))
    monkeypatch.setattr(answer_codes, "RESPONSE_CHUNK", 2)
    monkeypatch.setattr(answer_codes, "POSTGRES_RESPONSE_CHUNK", 2)
    chunked = load_study_tables(session, small.study)
    assert len(chunked.answers) == len(written)
    assert _values(chunked) == whole == written
