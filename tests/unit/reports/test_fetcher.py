"""WeasyPrint may load data: URLs and packaged files only, never files or the network."""

from __future__ import annotations

import http.server
import threading

import pytest

from reports.fetcher import ReportURLFetcher
from reports.render import render_pdf, write_pdf


@pytest.fixture
def local_server():
    """An HTTP server on 127.0.0.1 that records every request it receives."""
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/svg+xml")
            self.end_headers()
            self.wfile.write(b'<svg xmlns="http://www.w3.org/2000/svg"/>')

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", hits
    server.shutdown()
    server.server_close()


def test_crafted_urls_fetch_nothing(local_server, tmp_path):
    base, hits = local_server
    secret = tmp_path / "secret.css"
    secret.write_text("body { color: red }")
    html = f"""<!doctype html><html lang="en"><head><title>t</title>
    <link rel="stylesheet" href="file://{secret}">
    <link rel="stylesheet" href="{base}/style.css"></head><body>
    <img src="file:///etc/passwd" alt="x"><img src="{base}/image.svg" alt="y">
    <img src="report-asset:../../../etc/passwd" alt="z">
    <p style="background: url('{base}/background.png')">text</p></body></html>"""
    rendered = render_pdf(html)
    write_pdf(rendered)
    assert hits == []
    assert f"file://{secret}" in rendered.refused_urls
    assert "file:///etc/passwd" in rendered.refused_urls
    assert f"{base}/image.svg" in rendered.refused_urls
    assert "report-asset:../../../etc/passwd" in rendered.refused_urls


def test_data_urls_and_packaged_style_sheet_are_served():
    fetcher = ReportURLFetcher()
    response = fetcher.fetch("data:image/svg+xml;base64,PHN2Zy8+")
    assert response.read() == b"<svg/>"
    assert b"@page" in fetcher.fetch("report-asset:report.css").read()
    with pytest.raises(ValueError, match="data: and packaged files"):
        fetcher.fetch("report-asset:nothing.css")
