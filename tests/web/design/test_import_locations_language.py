"""Where an XLSForm problem is, said in the interface language (issue 16: every message)."""

from __future__ import annotations

import io
import re

from tests.design_factories import (
    GOOD_CHOICES,
    GOOD_SETTINGS,
    signed_in_quality_manager,
    xlsform_bytes,
)

BAD_SURVEY = [
    ["type", "name", "label::French (fr)", "label::English (en)"],
    ["select_one missing_list", "q1", "Un", "One"],
    ["nonsense_type", "q3", "Trois", "Three"],
]


def _upload(client, language):
    return client.post(
        "/design/import",
        data={
            "file": (io.BytesIO(xlsform_bytes(BAD_SURVEY, GOOD_CHOICES, GOOD_SETTINGS)), "bad.xlsx")
        },
        content_type="multipart/form-data",
        headers={"Accept-Language": language},
    )


def test_locations_are_in_french_on_a_french_page(client, session):
    signed_in_quality_manager(client, session)
    text = _upload(client, "fr").get_data(as_text=True)
    assert "feuille survey, ligne 2" in text
    assert not re.search(r"survey!R\d", text)
    assert not re.search(r"\bcolumn\b", text)


def test_locations_keep_the_spreadsheet_notation_in_english(client, session):
    signed_in_quality_manager(client, session)
    text = _upload(client, "en").get_data(as_text=True)
    assert "survey!R2" in text
