"""Impact reports: analysis results → HTML dashboard and tagged PDF.

A pure package: no Flask, no database. The caller passes a
:class:`analysis.results.StudyAnalysis` and a :class:`ReportContext` of
plain values; :func:`build_report` returns PDF bytes, :func:`render_html`
the standalone HTML and :func:`render_dashboard` the web fragment.
"""

from reports.render import (
    PDF_VARIANT,
    build_report,
    render_dashboard,
    render_html,
    render_pdf,
    write_pdf,
)
from reports.viewmodel import HEADLINE_INDICATORS, ReportContext, build_view_model

__all__ = [
    "HEADLINE_INDICATORS",
    "PDF_VARIANT",
    "ReportContext",
    "build_report",
    "build_view_model",
    "render_dashboard",
    "render_html",
    "render_pdf",
    "write_pdf",
]
