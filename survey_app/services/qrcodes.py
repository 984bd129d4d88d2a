"""QR codes of survey links as SVG (segno), small enough to inline in a page or a card."""

from __future__ import annotations

import base64
import io

import segno


def qr_svg(url: str, *, title: str = "", scale: int = 4) -> bytes:
    """An SVG QR code of ``url``; error correction M survives a creased card."""
    code = segno.make(url, error="m", micro=False)
    buffer = io.BytesIO()
    code.save(
        buffer,
        kind="svg",
        scale=scale,
        border=2,
        title=title or None,
        xmldecl=False,
        svgns=True,
        nl=False,
    )
    return buffer.getvalue()


def qr_data_uri(url: str, *, title: str = "", scale: int = 4) -> str:
    """The QR as a ``data:`` URI for ``<img>`` (allowed by the CSP and the PDF fetcher)."""
    encoded = base64.b64encode(qr_svg(url, title=title, scale=scale)).decode("ascii")
    return f"data:image/svg+xml;base64,{encoded}"


def qr_png(url: str, *, scale: int = 12) -> bytes:
    """A PNG QR code of ``url`` (for print shops and word processors)."""
    code = segno.make(url, error="m", micro=False)
    buffer = io.BytesIO()
    code.save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()
