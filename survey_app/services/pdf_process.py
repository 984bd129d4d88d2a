"""Lay out a report's PDF in a child process that gets ready while the parent analyses.

A report command spends about a second importing WeasyPrint and matplotlib and
waking up fontconfig and Pango, and the machine has more than one core. So the
``report`` command forks, before it reads the database: the child imports the
PDF libraries and lays out a one-line page while the parent reads the answers,
imports pandas and scipy and analyses; then the parent hands the analysis over
(pickled through a pipe) and the child returns the PDF's bytes.

Only for one-off commands. A web server's threads and a job worker keep the
libraries loaded anyway, and forking a multi-threaded process is unsafe. Where
``os.fork`` does not exist (Windows) or ``ECOUTE_FORK_PDF=0``, everything
happens in the calling process, as before.
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle  # nosec B403
import signal
import sys
import traceback
from types import TracebackType
from typing import Any

__all__ = ["PdfProcess"]

_WARM_UP_HTML = (
    '<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>·</title></head>'
    "<body><h1>Écoute</h1><p>Prêt, <b>ready</b>.</p>"
    "<table><tr><th>n</th><td>1</td></tr></table></body></html>"
)


def _read_exactly(fd: int, size: int) -> bytes:
    chunks: list[bytes] = []
    while size:
        chunk = os.read(fd, min(size, 1 << 20))
        if not chunk:
            raise EOFError("the other process closed the pipe early")
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def _send(fd: int, payload: bytes) -> None:
    os.write(fd, len(payload).to_bytes(8, "big"))
    view = memoryview(payload)
    while view:
        view = view[os.write(fd, view) :]


def _receive(fd: int) -> bytes:
    return _read_exactly(fd, int.from_bytes(_read_exactly(fd, 8), "big"))


def _warm_up() -> None:
    """Import the PDF libraries, draw one small chart and lay out one page.

    The chart loads matplotlib (``reports.charts`` imports it only when it
    draws), its font cache and the chart font's metrics; the page loads
    WeasyPrint, fontconfig and Pango. What the warm-up builds is thrown away.
    """
    from weasyprint import HTML

    from reports import charts
    from reports.render import PDF_VARIANT

    svg = charts.gains_chart("warm-up", "·", [("Écoute", 0.5, 0.3, 0.2)], ["+", "=", "−"])
    charts.labels_anchored_at_start(svg)
    HTML(string=_WARM_UP_HTML).render(pdf_variant=PDF_VARIANT).write_pdf(pdf_variant=PDF_VARIANT)


def _child(requests: int, replies: int) -> None:
    """The child's whole life: get ready, build one PDF, send it back, exit."""
    try:
        _warm_up()
        # The layout makes tens of thousands of short-lived objects, some in cycles;
        # collecting them costs 0.1–0.2 s of a 2 s build and returns memory only to a
        # process that exits as soon as the PDF is sent (measured on the demo: 14 MB
        # more at the peak, 305 MB in all).
        gc.disable()
        analysis, context, lang = pickle.loads(_receive(requests))  # noqa: S301  # nosec B301
        from reports import build_report

        reply = (True, build_report(analysis, context, lang))
    except BaseException as error:  # everything goes back to the parent
        reply = (False, _portable(error))
    try:
        _send(replies, pickle.dumps(reply))
    finally:
        # No atexit handlers, no flushing of the parent's buffers, no database clean-up:
        # those belong to the parent.
        os._exit(0)


def _portable(error: BaseException) -> BaseException:
    """The error itself when it pickles, else a RuntimeError carrying its traceback."""
    text = "".join(traceback.format_exception(error))
    try:
        pickle.loads(pickle.dumps(error))  # noqa: S301  # nosec B301
    except Exception:
        return RuntimeError(f"building the PDF failed in the child process:\n{text}")
    error.add_note(f"(raised while building the PDF in the child process)\n{text}")
    return error


class PdfProcess:
    """``with PdfProcess() as pdf: …; content = pdf.build(analysis, context, lang)``.

    Entering forks the child (call it before the slow reading and analysis);
    :meth:`build` hands the analysis over and waits for the bytes. Leaving
    the block without building stops the child.
    """

    def __init__(self, *, fork: bool | None = None) -> None:
        if fork is None:
            fork = hasattr(os, "fork") and os.environ.get("ECOUTE_FORK_PDF", "1") != "0"
        self._fork = fork
        #: The child's process id once forked (kept after it ends, for diagnostics).
        self.child_pid: int | None = None
        self._running = False
        self._requests = self._replies = -1

    def __enter__(self) -> PdfProcess:
        if not self._fork:
            return self
        request_read, request_write = os.pipe()
        reply_read, reply_write = os.pipe()
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:  # the child
            os.close(request_write)
            os.close(reply_read)
            _child(request_read, reply_write)
        os.close(request_read)
        os.close(reply_write)
        self.child_pid, self._requests, self._replies = pid, request_write, reply_read
        self._running = True
        return self

    def build(self, analysis: Any, context: Any, lang: str) -> bytes:
        """The PDF of ``analysis``: from the child when there is one, else built here."""
        if not self._running:
            from reports import build_report

            return build_report(analysis, context, lang)
        try:
            _send(self._requests, pickle.dumps((analysis, context, lang)))
            ok, value = pickle.loads(_receive(self._replies))  # noqa: S301  # nosec B301
        except (EOFError, BrokenPipeError) as error:
            raise RuntimeError("the process building the PDF stopped unexpectedly") from error
        finally:
            self._close()
        if not ok:
            raise value
        return value

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._close(stop=True)

    def _close(self, *, stop: bool = False) -> None:
        if not self._running or self.child_pid is None:
            return
        self._running = False
        if stop:  # the command failed before it needed the PDF: no point finishing the warm-up
            os.kill(self.child_pid, signal.SIGKILL)
        for fd in (self._requests, self._replies):
            with contextlib.suppress(OSError):
                os.close(fd)
        os.waitpid(self.child_pid, 0)
