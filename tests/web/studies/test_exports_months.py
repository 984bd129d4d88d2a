"""Every export writes days with the month by name, in the export's language (issue 15)."""

from __future__ import annotations

import csv
import io
import re

from openpyxl import load_workbook

from survey_app.models import Role
from survey_app.services import audit
from tests.factories import login, make_user
from tests.reports_factories import make_report_study

ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
FRENCH_MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin", "juillet",
    "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip
ENGLISH_MONTHS = (
    "January", "February", "March", "April", "May", "June", "July",
    "August", "September", "October", "November", "December",
)  # fmt: skip


def _csv_rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def test_answer_exports_write_the_completion_day_with_a_month_name(client, session):
    built = make_report_study(session, people=6)
    director = make_user(session, built.organisation, Role.DIRECTOR)
    session.commit()
    login(client, director.email)
    for lang, months in (("fr", FRENCH_MONTHS), ("en", ENGLISH_MONTHS)):
        query = f"study={built.study.id}&period=all&lang={lang}"
        rows = _csv_rows(client.get(f"/reports/export/answers.csv?{query}").data)
        days = {row["completed_date"] for row in rows}
        assert days
        assert not any(ISO_DAY.search(day) for day in days), days
        assert all(any(month in day for month in months) for day in days), days
    book = load_workbook(
        io.BytesIO(
            client.get(
                f"/reports/export/answers.xlsx?study={built.study.id}&period=all&lang=fr"
            ).data
        ),
        read_only=True,
    )
    answers = list(book["answers"].iter_rows(values_only=True))
    column = answers[0].index("completed_date")
    assert any("janvier 2025" in str(row[column]) for row in answers[1:])
    dictionary = list(book["data dictionary"].iter_rows(values_only=True))
    assert dictionary[0][:3] == ("colonne", "type", "indicateur")
    described = {row[0]: row[4] for row in dictionary}
    assert "mois en toutes lettres" in described["completed_date"]
    assert "14 mars 2026" in described["completed_date"]
    codes = {row[0]: row[5] for row in dictionary}
    ratings = [row[0] for row in dictionary if row[1] == "rating"]
    assert ratings
    assert all(codes[key] == "0 … 10" for key in ratings)  # not "0 = 0; 1 = 1; …"


def test_audit_csv_writes_when_with_a_month_name(client, session):
    built = make_report_study(session, people=2)
    admin = make_user(session, built.organisation, Role.ADMIN)
    audit.record(
        session,
        "export.answers",
        actor=admin,
        organisation_id=built.organisation.id,
        object_type="study",
        object_id=built.study.id,
        details={"study_id": built.study.id, "format": "csv", "free_text": False},
    )
    session.commit()
    login(client, admin.email)
    for lang, months in (
        ("fr", FRENCH_MONTHS),
        ("en", ENGLISH_MONTHS),
    ):
        client.environ_base["HTTP_ACCEPT_LANGUAGE"] = lang
        rows = _csv_rows(client.get("/admin/audit.csv?action=export.answers").data)
        assert rows
        when = rows[0]["when_utc"]
        assert not ISO_DAY.search(when), when
        assert any(month in when for month in months), when
        assert re.search(r"\d{2}:\d{2}:\d{2}$", when), when
