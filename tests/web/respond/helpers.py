"""Driving the survey pages with the test client, as a browser without JavaScript would."""

from __future__ import annotations

import re
from typing import Any

_GUARD = re.compile(r'name="(submission_key|revision)" type="hidden" value="([^"]*)"')


def guards(html: str) -> dict[str, str]:
    """The hidden idempotency key and revision of a rendered page."""
    found = dict(_GUARD.findall(html))
    assert set(found) == {"submission_key", "revision"}, "page has no guards"
    return found


def main_text(html: str) -> str:
    return html[html.index("<main") : html.index("</main>")]


def open_survey(client: Any, token: str, **headers: str) -> Any:
    """Open a link and accept the consent screen; returns the first question's response."""
    opened = client.get(f"/s/{token}", headers=headers)
    assert opened.status_code == 303
    consent = client.get("/s/start", headers=headers)
    assert consent.status_code == 200
    started = client.post("/s/start", data=guards(consent.get_data(as_text=True)), headers=headers)
    assert started.status_code == 303
    return started


def answer(client: Any, key: str, value: Any, **extra: Any) -> Any:
    """GET the question page, then POST ``value`` with the page's own guards."""
    page = client.get(f"/s/q/{key}")
    assert page.status_code == 200, page.status_code
    data: dict[str, Any] = guards(page.get_data(as_text=True))
    if value is not None:
        data["answer"] = value
    data.update(extra)
    return client.post(f"/s/q/{key}", data=data)


def submit_review(client: Any) -> Any:
    page = client.get("/s/review")
    assert page.status_code == 200, page.status_code
    return client.post("/s/review", data=guards(page.get_data(as_text=True)))


#: Answers that reach the last (free-text) question of the small test questionnaire.
UP_TO_COMMENT = (("heard", "4"), ("goal", "no"), ("topics", "work"), ("children", "0"))


def answer_up_to_comment(client: Any) -> None:
    """Answer the small questionnaire up to its free-text ``comment`` question."""
    for key, value in UP_TO_COMMENT:
        answer(client, key, value)


def finish_survey(client: Any) -> Any:
    """Answer the rest of the small questionnaire, leave the comment blank and send."""
    answer_up_to_comment(client)
    answer(client, "comment", "")
    return submit_review(client)
