"""The report request form speaks the interface language: months by name, quarters as written."""

from __future__ import annotations

import re

import pytest

from survey_app.models import Role
from tests.factories import login, make_user
from tests.reports_factories import make_report_study


@pytest.mark.parametrize(
    ("language", "month", "quarter"),
    [("fr", "octobre", "T4"), ("en", "October", "Q4")],
)
def test_month_and_quarter_are_named_in_the_interface_language(
    client, session, language, month, quarter
):
    built = make_report_study(session, people=6)
    director = make_user(session, built.organisation, Role.DIRECTOR)
    session.commit()
    login(client, director.email)
    page = client.get("/reports/", headers={"Accept-Language": language}).get_data(as_text=True)
    months = re.search(r'<select[^>]*id="month".*?</select>', page, re.DOTALL).group(0)
    quarters = re.search(r'<select[^>]*id="quarter".*?</select>', page, re.DOTALL).group(0)
    assert f'value="10">{month}<' in months
    assert f'value="4">{quarter}<' in quarters
    assert ">10<" not in months
