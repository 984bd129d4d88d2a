"""Run N simulated respondents against a server for a bounded time."""

from __future__ import annotations

import os
import random
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from bench.load.metrics import Recorder
from bench.load.respondent import Browser, Respondent, answer_survey


@dataclass
class LoadResult:
    summary: dict[str, Any]
    respondents: list[Respondent] = field(default_factory=list)


def run_load(
    port: int,
    tokens: list[str],
    *,
    users: int,
    duration_s: float,
    think_s: float,
    ramp_s: float = 10.0,
    grace_s: float = 45.0,
    seed: int = 8,
    during: Callable[[float], None] | None = None,
    server_cpu: Callable[[], float] | None = None,
) -> LoadResult:
    """``users`` concurrent respondents, each answering surveys one after another.

    New surveys start until ``duration_s``; a survey in progress then has
    ``grace_s`` more to finish, after which it stops where it is (it stays
    resumable, and counts as abandoned). Each survey uses the next unused
    token: every survey is a different person. ``during(elapsed)`` is called
    about every 0.2 s from the main thread (the fault test kills and restarts
    things from there).
    """
    recorder = Recorder()
    token_lock = threading.Lock()
    token_iter: Iterator[str] = iter(tokens)
    respondents: list[Respondent] = []
    respondents_lock = threading.Lock()
    started = time.monotonic()
    client_cpu_start = time.process_time()
    server_cpu_start = server_cpu() if server_cpu else 0.0
    start_deadline = started + duration_s
    hard_deadline = start_deadline + grace_s

    def past_hard_deadline() -> bool:
        return time.monotonic() > hard_deadline

    def next_token() -> str | None:
        with token_lock:
            return next(token_iter, None)

    def user(number: int) -> None:
        rng = random.Random(seed * 100_003 + number)
        time.sleep(ramp_s * number / max(users, 1))

        def think() -> None:
            pause = rng.uniform(0.5, 1.5) * think_s
            time.sleep(max(0.0, min(pause, hard_deadline - time.monotonic())))

        while time.monotonic() < start_deadline:
            token = next_token()
            if token is None:
                recorder.problem("ran out of invitation tokens")
                return
            browser = Browser(port, recorder, forwarded_for=f"10.{number // 250}.{number % 250}.1")
            respondent = answer_survey(
                browser, token, rng=rng, think=think, stop_early=past_hard_deadline
            )
            browser.close()
            if respondent.completed:
                recorder.completed()
            elif respondent.failure is None:
                recorder.gave_up()
            with respondents_lock:
                respondents.append(respondent)

    threads = [threading.Thread(target=user, args=(n,), daemon=True) for n in range(users)]
    for thread in threads:
        thread.start()
    while any(thread.is_alive() for thread in threads):
        if during is not None:
            during(time.monotonic() - started)
        time.sleep(0.2)
    summary = recorder.summary(time.monotonic() - started)
    requests = max(summary["requests"], 1)
    summary["client_cpu_ms_per_request"] = round(
        (time.process_time() - client_cpu_start) * 1000 / requests, 2
    )
    if server_cpu is not None:
        summary["server_cpu_ms_per_request"] = round(
            (server_cpu() - server_cpu_start) * 1000 / requests, 2
        )
    load_1, _load_5, _load_15 = os.getloadavg()
    summary["machine_load_average_at_end"] = round(load_1, 1)
    summary["users"] = users
    summary["think_s"] = think_s
    summary["failed_respondents"] = sum(1 for r in respondents if r.failure)
    summary["retries"] = sum(r.retries for r in respondents)
    return LoadResult(summary=summary, respondents=respondents)
