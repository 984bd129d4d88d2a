"""Printable A6 invitation cards as PDF (WeasyPrint).

The HTML is rendered by the caller (a template, in the worker's language);
this module only turns it into a PDF with a URL fetcher that refuses every
URL except ``data:`` — the card embeds its QR code and CSS inline, so a
crafted value can never make the server read a file or call a network address.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # WeasyPrint is imported where a card is made, not when the app starts
    from weasyprint.urls import URLFetcher


def data_only_fetcher() -> URLFetcher:
    """A fetcher that only decodes ``data:`` URLs (file:, http:, … are refused)."""
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols={"data"}, allow_redirects=False, timeout=1)


def card_pdf(html: str) -> bytes:
    """The PDF of one card; the page size (A6) is set by the card's own CSS."""
    from weasyprint import HTML

    return HTML(string=html, url_fetcher=data_only_fetcher()).write_pdf()
