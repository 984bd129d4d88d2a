"""View model → HTML (Jinja) → PDF (WeasyPrint, tagged PDF/UA-1).

Rendering and writing are separate steps so callers (and the benchmark) can
time the HTML, the layout and the PDF file on their own: WeasyPrint's layout
grows faster than linearly with long tables, which is why the report holds
aggregated tables only.
"""

from __future__ import annotations

import base64
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from analysis.results import StudyAnalysis
from reports import charts
from reports.texts import text
from reports.viewmodel import ReportContext, build_view_model

__all__ = [
    "PDF_VARIANT",
    "RenderedPdf",
    "build_report",
    "render_dashboard",
    "render_html",
    "render_pdf",
    "write_pdf",
]

PDF_VARIANT = "pdf/ua-1"

# WeasyPrint reads matplotlib's SVG presentation attributes with its SVG renderer
# but also warns, once per element, that its HTML CSS parser does not know them
# ("Ignored `text-anchor: start`"). Those warnings say nothing about the report;
# errors (a refused URL, a broken image) still get through.
logging.getLogger("weasyprint").setLevel(logging.ERROR)
TEMPLATES = Path(__file__).resolve().parent / "templates"


def _svg_data_url(svg: str, pdf: bool = False) -> str:
    if pdf:  # WeasyPrint draws an anchored label as a PDF form of its own: slow
        svg = charts.labels_anchored_at_start(svg)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def _environment() -> Environment:
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(("html",), default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["svg_data_url"] = _svg_data_url
    return environment


_ENVIRONMENT = _environment()


def _template_values(view_model: dict[str, Any], *, pdf: bool) -> dict[str, Any]:
    lang = view_model["lang"]
    return {
        "report": {**view_model, "colon": "\u00a0: " if lang == "fr" else ": "},
        "suppressed": text(lang, "suppressed"),
        "pdf": pdf,
    }


def render_html(analysis: StudyAnalysis, context: ReportContext, lang: str) -> str:
    """The complete report as a standalone HTML document (the PDF's source).

    Charts are ``<img alt>`` with an SVG ``data:`` URL rather than inline
    ``<svg>``: WeasyPrint then draws them with its SVG renderer without running
    the HTML style cascade over their thousands of elements (a third of the
    layout time), and the ``alt`` becomes the figure's alternative text in the
    tagged PDF. The SVG keeps its own ``<title>`` for readers who open it alone.
    """
    view_model = build_view_model(analysis, context, lang, inline_charts=False)
    return _ENVIRONMENT.get_template("report.html").render(**_template_values(view_model, pdf=True))


def render_dashboard(analysis: StudyAnalysis, context: ReportContext, lang: str) -> Markup:
    """The same content as an HTML fragment for the web preview.

    Charts become ``<img alt>`` with a ``data:`` URL: the site's Content
    Security Policy forbids the inline styles matplotlib writes into SVG,
    but not the styles inside an image.
    """
    view_model = build_view_model(analysis, context, lang, inline_charts=False)
    html = _ENVIRONMENT.get_template("body.html").render(**_template_values(view_model, pdf=False))
    # Rendered by our own autoescaping environment: every user text is escaped.
    return Markup(html)  # noqa: S704  # nosec B704


@dataclass
class RenderedPdf:
    """A laid-out document, ready to be written, and the URLs it was refused."""

    document: Any
    refused_urls: list[str]


def render_pdf(html: str) -> RenderedPdf:
    """Lay the HTML out into pages (the slow step), with the restricted fetcher."""
    from weasyprint import HTML  # imported here: a heavy import, needed only for PDFs

    from reports.fetcher import ReportURLFetcher  # subclasses WeasyPrint's fetcher

    fetcher = ReportURLFetcher()
    document = HTML(string=html, base_url="report-asset:/", url_fetcher=fetcher).render(
        pdf_variant=PDF_VARIANT
    )
    return RenderedPdf(document=document, refused_urls=fetcher.refused)


def write_pdf(rendered: RenderedPdf) -> bytes:
    """Write the tagged PDF/UA-1 file (fonts embedded, language and title set)."""
    return rendered.document.write_pdf(pdf_variant=PDF_VARIANT)


def build_report(analysis: StudyAnalysis, context: ReportContext, lang: str) -> bytes:
    """The PDF report for ``analysis`` in ``lang`` (``"fr"`` or ``"en"``)."""
    return write_pdf(render_pdf(render_html(analysis, context, lang)))
