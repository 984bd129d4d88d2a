"""The only way WeasyPrint may load anything while building a report.

A label, a site name or an organisation logo is text typed by users; if it
ever reached the HTML as markup, an ``<img src="file:///etc/passwd">`` or an
``http://127.0.0.1/...`` would make the PDF engine read local files or call
internal services. So the fetcher allows exactly two things:

* ``data:`` URLs (charts, the logo), decoded in memory;
* ``report-asset:NAME`` — a file shipped in ``reports/static`` (the style
  sheet), looked up by bare name, never by path.

Everything else raises, and WeasyPrint renders without the resource.
"""

from __future__ import annotations

import base64
import mimetypes
import urllib.parse
from pathlib import Path

from weasyprint.urls import URLFetcher, URLFetcherResponse

ASSET_SCHEME = "report-asset"
STATIC = Path(__file__).resolve().parent / "static"
_ASSETS = {path.name: path for path in STATIC.iterdir() if path.is_file()}


class RefusedURL(ValueError):
    """A report resource outside ``data:`` and the packaged assets."""


class ReportURLFetcher(URLFetcher):
    """Serve ``data:`` and packaged assets; refuse every other URL."""

    def __init__(self) -> None:
        super().__init__(timeout=1, allowed_protocols=(), allow_redirects=False)
        self.refused: list[str] = []

    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme == "data":
            return _data_response(url)
        if scheme == ASSET_SCHEME:
            name = url.split(":", 1)[1].lstrip("/")
            path = _ASSETS.get(name)
            if path is not None:
                content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return URLFetcherResponse(
                    url, path.read_bytes(), headers={"Content-Type": content_type}
                )
        self.refused.append(url)
        raise RefusedURL(f"report resources are limited to data: and packaged files: {url!r}")


def _data_response(url: str) -> URLFetcherResponse:
    header, _, payload = url[len("data:") :].partition(",")
    parts = header.split(";")
    content_type = parts[0] or "text/plain"
    if "base64" in parts[1:]:
        body = base64.b64decode(payload, validate=False)
    else:
        body = urllib.parse.unquote_to_bytes(payload)
    return URLFetcherResponse(url, body, headers={"Content-Type": content_type})
