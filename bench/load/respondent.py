"""Simulated respondents: a tiny browser (cookies, redirects, resubmits) walking the survey.

A respondent opens ``/s/<token>``, follows the redirects to the consent page,
and submits every page's form as a browser would: the hidden fields rendered
in the page (CSRF token, idempotency key, revision) plus a chosen answer,
with think time before each submission. On a connection error or a 5xx it
sends the *same* form again, like a person pressing the button again or the
browser resubmitting; the idempotency key makes that safe.

Every answer whose POST got a redirect back is recorded in
:attr:`Respondent.acknowledged`: that is what the respondent saw accepted,
and what the fault test later looks for in the database.
"""

from __future__ import annotations

import http.client
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlencode, urlsplit

from bench.load.metrics import Recorder

REDIRECTS = (301, 302, 303, 307, 308)


class TransportError(Exception):
    """The connection failed before a complete response arrived."""


class GaveUp(Exception):
    """A page could not be loaded or submitted within the retry budget."""


@dataclass
class PageForm:
    action: str
    hidden: dict[str, str] = field(default_factory=dict)
    choices: list[str] = field(default_factory=list)


class _FormParser(HTMLParser):
    """Collects the POST forms of a page: hidden inputs and the ``answer`` radio values."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[PageForm] = []
        self._current: PageForm | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "form" and values.get("method", "get").lower() == "post":
            self._current = PageForm(action=values.get("action", ""))
            self.forms.append(self._current)
        elif tag == "input" and self._current is not None:
            kind = values.get("type", "text").lower()
            if kind == "hidden" and values.get("name"):
                self._current.hidden[values["name"]] = values.get("value", "")
            elif kind in ("radio", "checkbox") and values.get("name") == "answer":
                self._current.choices.append(values.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._current = None


def page_form(html: str, action: str) -> PageForm | None:
    """The POST form of the page whose action is ``action`` (the page's own path)."""
    parser = _FormParser()
    parser.feed(html)
    for form in parser.forms:
        if urlsplit(form.action).path == action:
            return form
    return None


class Browser:
    """One keep-alive connection, a cookie jar and manual redirects; retries the same request."""

    def __init__(
        self,
        port: int,
        recorder: Recorder,
        *,
        host: str = "127.0.0.1",
        timeout: float = 30.0,
        retry_budget_s: float = 90.0,
        forwarded_for: str | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self.recorder = recorder
        self.timeout = timeout
        self.retry_budget_s = retry_budget_s
        self.forwarded_for = forwarded_for
        self.cookies: dict[str, str] = {}
        self.retries = 0
        self._connection: http.client.HTTPConnection | None = None

    def _conn(self) -> http.client.HTTPConnection:
        if self._connection is None:
            self._connection = http.client.HTTPConnection(
                self.host, self.port, timeout=self.timeout
            )
        return self._connection

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def _store_cookies(self, response: http.client.HTTPResponse) -> None:
        for header in response.headers.get_all("Set-Cookie") or []:
            pair, _, attributes = header.partition(";")
            name, _, value = pair.strip().partition("=")
            lowered = attributes.lower().replace(" ", "")
            if "max-age=0" in lowered or "expires=thu,01jan1970" in lowered:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value

    def send(
        self, method: str, path: str, kind: str, form: dict[str, str] | None = None
    ) -> tuple[int, str, str]:
        """One request: (status, Location, body). Raises :class:`TransportError`."""
        headers = {"User-Agent": "ecoute-bench/1", "Accept-Language": "fr"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if self.forwarded_for:
            headers["X-Forwarded-For"] = self.forwarded_for
        body = None
        if form is not None:
            body = urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        reused = self._connection is not None
        try:
            connection = self._conn()
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        except (ConnectionError, http.client.RemoteDisconnected) as error:
            self.close()
            if not reused:
                self.recorder.transport_error()
                raise TransportError(str(error)) from error
            # The server closed an idle keep-alive connection (gunicorn's
            # keepalive is shorter than a person's think time). Browsers
            # resend on a new connection without telling anyone; so do we.
            self.recorder.stale_connection()
            return self.send(method, path, kind, form)
        except (OSError, http.client.HTTPException) as error:
            self.close()
            self.recorder.transport_error()
            raise TransportError(str(error)) from error
        elapsed_ms = (time.perf_counter() - started) * 1000
        self.recorder.request(f"{method} {kind}", response.status, elapsed_ms)
        self._store_cookies(response)
        if response.getheader("Connection", "").lower() == "close":
            self.close()
        return response.status, response.getheader("Location", ""), text

    def send_retrying(
        self, method: str, path: str, kind: str, form: dict[str, str] | None = None
    ) -> tuple[int, str, str]:
        """Like :meth:`send`, resending the identical request on connection errors and 5xx."""
        deadline = time.monotonic() + self.retry_budget_s
        pause = 0.25
        while True:
            try:
                status, location, text = self.send(method, path, kind, form)
                if status < 500:
                    return status, location, text
            except TransportError:
                pass
            if time.monotonic() > deadline:
                raise GaveUp(f"{method} {kind}: no answer within {self.retry_budget_s}s")
            self.retries += 1
            time.sleep(pause)
            pause = min(pause * 2, 4.0)

    def get_following(self, path: str, kind: str) -> tuple[str, int, str]:
        """GET ``path`` and follow redirects: (final path, status, body)."""
        for _hop in range(8):
            status, location, text = self.send_retrying("GET", path, kind)
            if status not in REDIRECTS:
                return urlsplit(path).path, status, text
            path = _local(location)
            kind = "redirected"
        raise GaveUp(f"too many redirects from {path}")


def _local(location: str) -> str:
    parts = urlsplit(location)
    return parts.path + (f"?{parts.query}" if parts.query else "")


@dataclass
class Respondent:
    """What one simulated person did and saw."""

    token: str
    acknowledged: dict[str, str] = field(default_factory=dict)
    completed: bool = False
    failure: str | None = None
    cookies: dict[str, str] = field(default_factory=dict)
    retries: int = 0


def answer_survey(
    browser: Browser,
    token: str,
    *,
    rng: random.Random,
    think: Callable[[], None],
    stop_early: Callable[[], bool] = lambda: False,
) -> Respondent:
    """Open ``/s/<token>`` and answer page by page until the thank-you page."""
    respondent = Respondent(token=token)
    try:
        path, status, page = browser.get_following(f"/s/{token}", "open")
        for _page in range(64):
            if path == "/s/done" and status == 200:
                respondent.completed = True
                break
            if status != 200:
                raise GaveUp(f"{path} answered {status}")
            form = page_form(page, path)
            if form is None:
                raise GaveUp(f"no form on {path}")
            think()
            if stop_early():
                break
            fields = dict(form.hidden)
            question_key = None
            if path.startswith("/s/q/"):
                question_key = path.removeprefix("/s/q/")
                if not form.choices:
                    raise GaveUp(f"no choices on {path}")
                fields["answer"] = rng.choice(form.choices)
                kind = "answer"
            else:
                kind = path.strip("/").replace("/", "-") or "page"
            status, location, _text = browser.send_retrying("POST", path, kind, fields)
            if status not in REDIRECTS:
                raise GaveUp(f"POST {path} answered {status}")
            if question_key is not None:
                respondent.acknowledged[question_key] = fields["answer"]
            path, status, page = browser.get_following(_local(location), "page")
        else:
            raise GaveUp("more pages than the survey has")
    except GaveUp as error:
        respondent.failure = str(error)
        browser.recorder.problem(str(error))
    respondent.cookies = dict(browser.cookies)
    respondent.retries = browser.retries
    return respondent
