"""The card renderer only ever reads ``data:`` URLs."""

from __future__ import annotations

import pytest

from survey_app.services.cards import card_pdf, data_only_fetcher
from survey_app.services.qrcodes import qr_data_uri, qr_svg


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "http://127.0.0.1:9/x.png", "https://example.org/a.css"]
)
def test_fetcher_refuses_everything_but_data_urls(url):
    with pytest.raises(ValueError, match="disallowed protocol"):
        data_only_fetcher()(url)


def test_fetcher_reads_data_urls():
    response = data_only_fetcher()("data:text/plain;base64,aGVsbG8=")
    assert response.read() == b"hello"
    response.close()


def test_card_with_hostile_resources_still_renders_without_them(caplog):
    html = (
        '<html><head><link rel="stylesheet" href="file:///etc/passwd"></head><body>'
        f'<img src="{qr_data_uri("https://ecoute.example.org/s/abc")}" alt="QR">'
        '<img src="file:///etc/hostname" alt="x"><p>Card</p></body></html>'
    )
    pdf = card_pdf(html)
    assert pdf.startswith(b"%PDF")
    assert "disallowed protocol" in caplog.text


def test_qr_svg_has_an_accessible_title():
    svg = qr_svg("https://ecoute.example.org/s/abc", title="Survey link")
    assert svg.startswith(b"<svg")
    assert b"<title>Survey link</title>" in svg
