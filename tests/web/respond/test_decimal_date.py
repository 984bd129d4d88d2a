"""Decimal and date questions (from XLSForm) in the respondent survey."""

from __future__ import annotations

import pytest

from questionnaires import PNA_CODE, Question, score
from survey_app.respond.forms import question_form
from survey_app.services.errors import DomainError
from survey_app.services.survey import check_value


def _answer(app, question, typed):
    with app.test_request_context("/", method="POST", data={"answer": typed}):
        form = question_form(question, "fr", meta={"csrf": False})
        valid = form.validate()
        return valid, (form.stored_value() if valid else form.answer.errors[0])


@pytest.mark.parametrize(
    ("typed", "stored"), [("1,5", "1.5"), ("2", "2"), ("-0.25", "-0.25"), ("", None)]
)
def test_decimal_accepts_a_comma_or_a_point_and_stores_a_point(app, typed, stored):
    question = Question("km", "decimal", {"fr": "Distance"})
    assert _answer(app, question, typed) == (True, stored)
    if stored is not None:
        check_value(question, stored)
        assert score(question, stored) == float(stored)


@pytest.mark.parametrize("typed", ["1e3", "nan", "1.2.3", "deux"])
def test_decimal_refuses_what_is_not_a_plain_number(app, typed):
    valid, error = _answer(app, Question("km", "decimal", {"fr": "Distance"}), typed)
    assert not valid
    assert "1.5" in str(error) or "1,5" in str(error)  # the page's language


@pytest.mark.parametrize(
    ("typed", "stored"), [("2026-03-31", "2026-03-31"), ("31/03/2026", "2026-03-31"), ("", None)]
)
def test_date_accepts_a_picker_or_day_month_year_and_stores_iso(app, typed, stored):
    question = Question("on", "date", {"fr": "Quand ?"})
    assert _answer(app, question, typed) == (True, stored)
    if stored is not None:
        check_value(question, stored)


@pytest.mark.parametrize("typed", ["31/02/2026", "2026-13-01", "hier"])
def test_date_refuses_what_is_not_a_real_date(app, typed):
    valid, _ = _answer(app, Question("on", "date", {"fr": "Quand ?"}), typed)
    assert not valid


def test_the_last_guard_refuses_malformed_stored_values():
    with pytest.raises(DomainError):
        check_value(Question("km", "decimal", {"fr": "D"}), "1,5")
    with pytest.raises(DomainError):
        check_value(Question("on", "date", {"fr": "Q"}), "31/03/2026")
    check_value(Question("on", "date", {"fr": "Q"}, prefer_not_to_answer=True), PNA_CODE)
