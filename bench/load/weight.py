"""Weight on the wire of the first question page, cold: the HTML and everything it loads.

A phone that has never seen Écoute opens its link and lands on the first
question: it downloads the page, the stylesheet, the pictograms and the
(optional) read-aloud script. Each is fetched here as a browser would, with
``Accept-Encoding: gzip, br``, and counted as sent: status line, headers and
body (compressed when the server compressed it). The HTML itself is counted
as the app sends it (uncompressed): the deployment's nginx does not gzip
pages, which carry the CSRF token (compressing secrets beside attacker-chosen
text over TLS is the BREACH attack); its gzip size is shown for information.
"""

from __future__ import annotations

import gzip
import http.client
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

ACCEPT = {"Accept-Encoding": "gzip, br", "Accept-Language": "fr", "User-Agent": "ecoute-bench/1"}


class _Assets(HTMLParser):
    """What a browser fetches after the HTML: stylesheets, images, scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "link" and "stylesheet" in values.get("rel", "") and values.get("href"):
            self.found.append(("css", values["href"]))
        elif tag == "img" and values.get("src") and not values["src"].startswith("data:"):
            self.found.append(("image", values["src"]))
        elif tag == "script" and values.get("src"):
            self.found.append(("script", values["src"]))


@dataclass
class Weight:
    """Bytes on the wire per kind of resource, and the resources fetched."""

    by_kind: dict[str, int] = field(default_factory=dict)
    resources: list[dict[str, Any]] = field(default_factory=list)
    html_gzip_body: int = 0

    @property
    def total(self) -> int:
        return sum(self.by_kind.values())

    @property
    def without_scripts(self) -> int:
        return self.total - self.by_kind.get("script", 0)

    def as_dict(self) -> dict[str, Any]:
        return {
            "total_bytes": self.total,
            "without_scripts_bytes": self.without_scripts,
            "by_kind": self.by_kind,
            "html_gzip_body_bytes": self.html_gzip_body,
            "resources": self.resources,
        }


def _fetch(port: int, path: str, cookie: str = "") -> tuple[int, int, bytes, str]:
    """(status, bytes on the wire, body as sent, Content-Encoding)."""
    headers = dict(ACCEPT)
    if cookie:
        headers["Cookie"] = cookie
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        body = response.read()
        head = f"HTTP/1.1 {response.status} {response.reason}\r\n".encode()
        head += b"".join(f"{k}: {v}\r\n".encode() for k, v in response.getheaders()) + b"\r\n"
        encoding = response.getheader("Content-Encoding", "")
        return response.status, len(head) + len(body), body, encoding
    finally:
        connection.close()


def cold_page_weight(port: int, path: str, cookie: str = "") -> Weight:
    """Fetch ``path`` (a question page, with its session cookie) and every asset it names."""
    status, wire, body, _encoding = _fetch(port, path, cookie)
    if status != 200:
        raise RuntimeError(f"{path} answered {status}")
    weight = Weight(by_kind={"html": wire}, html_gzip_body=len(gzip.compress(body, 6)))
    weight.resources.append({"kind": "html", "path": path, "bytes": wire})
    parser = _Assets()
    parser.feed(body.decode("utf-8", "replace"))
    for kind, url in dict.fromkeys(parser.found):  # each asset once, as a browser would
        status, wire, _body, encoding = _fetch(port, url)
        if status != 200:
            raise RuntimeError(f"{url} answered {status}")
        weight.by_kind[kind] = weight.by_kind.get(kind, 0) + wire
        weight.resources.append({"kind": kind, "path": url, "bytes": wire, "encoding": encoding})
    return weight
