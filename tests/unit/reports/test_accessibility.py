"""Every chart has a text alternative, every header a scope, the document a language and title."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

import reports
from tests.reports_factories import sample_context


class _Audit(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []
        self.svg_titles: list[str] = []
        self.counts = {"svg": 0, "img": 0, "th": 0, "table": 0}
        self._after_svg = False
        self._in_title = False
        self._title_text = ""
        self.html_lang = None
        self.document_title = ""
        self._in_head_title = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in self.counts:
            self.counts[tag] += 1
        if tag == "html":
            self.html_lang = attributes.get("lang")
        if tag == "img" and not (attributes.get("alt") or "").strip():
            self.problems.append(f"img without alt: {attributes.get('src', '')[:40]}")
        if tag == "th" and attributes.get("scope") not in ("col", "row"):
            self.problems.append("th without scope")
        if tag == "title":
            if self._after_svg:
                self._in_title = True
                self._title_text = ""
            else:
                self._in_head_title = True
        elif self._after_svg:
            self.problems.append("svg whose first child is not <title>")
            self._after_svg = False
        if tag == "svg":
            self._after_svg = True

    def handle_data(self, data):
        if self._in_title:
            self._title_text += data
        if self._in_head_title:
            self.document_title += data

    def handle_endtag(self, tag):
        if tag == "title" and self._in_title:
            if not self._title_text.strip():
                self.problems.append("svg with an empty title")
            self.svg_titles.append(self._title_text)
            self._in_title = False
            self._after_svg = False
        elif tag == "title":
            self._in_head_title = False


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_pdf_source_html_is_accessible(report_html, lang):
    audit = _Audit()
    audit.feed(report_html[lang])
    assert audit.problems == []
    assert audit.counts["img"] >= 5  # distribution and trend charts, gains chart
    assert audit.counts["th"] > 50
    assert audit.html_lang == lang
    assert "Étude d’impact 2025" in audit.document_title


def test_dashboard_fragment_uses_img_with_alt(analysis_result):
    html = str(reports.render_dashboard(analysis_result, sample_context(), "en"))
    audit = _Audit()
    audit.feed(html)
    assert audit.problems == []
    assert audit.counts["svg"] == 0  # the site's CSP forbids matplotlib's inline styles
    assert audit.counts["img"] >= 5


def test_every_chart_svg_has_a_title(report_html):
    """The SVG inside each data: URL carries a non-empty <title> as its first child."""
    import base64
    import re

    sources = re.findall(r'src="data:image/svg\+xml;base64,([^"]+)"', report_html["en"])
    assert len(sources) >= 5
    for source in sources:
        audit = _Audit()
        audit.feed(base64.b64decode(source).decode("utf-8"))
        assert audit.problems == []
        assert audit.counts["svg"] == 1
        assert audit.svg_titles[0].startswith("Chart:")


def test_the_checker_catches_what_it_must():
    audit = _Audit()
    audit.feed(
        '<img src="x"><table><tr><th>a</th></tr></table>'
        '<svg aria-label="only aria"><rect/></svg><svg><title> </title></svg>'
    )
    assert len(audit.problems) == 4


def test_user_text_is_escaped_not_markup(analysis_result):
    context = sample_context(
        organisation='<img src="file:///etc/passwd">',
        study_title="<script>alert(1)</script>",
        site_labels={"NORD": '<img src="http://127.0.0.1:9/x">'},
    )
    html = reports.render_html(analysis_result, context, "fr")
    assert '<img src="file:///etc/passwd">' not in html
    assert "&lt;img src=&#34;file:///etc/passwd&#34;&gt;" in html
    assert "<script>" not in html
