"""Closed-loop throughput of one page: the question page against a bare Flask route.

Think-time respondents (:mod:`bench.load.run`) say whether the service keeps
up with people; they do not say what one page costs. Here a few client
processes, each with a few keep-alive connections, ask for the same kind of
page again and again with no pause, for the same number of seconds, against
two gunicorn servers started with the same settings:

* ``bench.hello_app`` at ``/s/q/q1`` (the framework ceiling: no database, no
  session, no template);
* Écoute at ``/s/q/<first question>``, each connection with its own
  respondent session (opened through a real link and past the consent page).

The rounds alternate (hello, page, hello, page, ...) so that the other
programs running on the machine weigh on both alike, and the figure kept is
the median of the rounds' ratios (question page req/s ÷ hello req/s). The
server CPU per request (user + system time of the gunicorn processes divided by
the requests served) is given as well: it does not depend on the load client.
"""

from __future__ import annotations

import http.client
import multiprocessing
import statistics
import threading
import time
from dataclasses import dataclass
from typing import Any

from bench.load.metrics import Recorder
from bench.load.respondent import Browser, page_form
from bench.load.server import Gunicorn


@dataclass(frozen=True)
class Client:
    """One keep-alive connection's target: a path and the cookies to send."""

    path: str
    cookie: str = ""


def open_sessions(port: int, tokens: list[str]) -> list[Client]:
    """Open each link and accept the consent page: one question-page client per token."""
    clients = []
    for token in tokens:
        browser = Browser(port, Recorder())
        path, status, page = browser.get_following(f"/s/{token}", "open")
        form = page_form(page, path)
        if status != 200 or form is None:
            raise RuntimeError(f"opening a link gave {status} at {path}")
        status, location, _text = browser.send("POST", path, "consent", dict(form.hidden))
        if status != 303 or "/s/q/" not in location:
            raise RuntimeError(f"the consent page answered {status} {location!r}")
        question = location[location.index("/s/q/") :]
        browser.close()
        cookie = "; ".join(f"{k}={v}" for k, v in browser.cookies.items())
        clients.append(Client(question, cookie))
    return clients


def _hammer(port: int, clients: list[Client], seconds: float, counts: Any, errors: Any) -> None:
    """One client process: a thread per connection, GET after GET until time is up."""

    def loop(client: Client) -> None:
        headers = {"Accept-Language": "fr", "User-Agent": "ecoute-bench/1"}
        if client.cookie:
            headers["Cookie"] = client.cookie
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        done = failed = 0
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                connection.request("GET", client.path, headers=headers)
                response = connection.getresponse()
                response.read()
                if response.status == 200:
                    done += 1
                else:
                    failed += 1
                if response.getheader("Connection", "").lower() == "close":
                    connection.close()
            except (OSError, http.client.HTTPException):
                failed += 1
                connection.close()
        connection.close()
        with counts.get_lock():
            counts.value += done
        with errors.get_lock():
            errors.value += failed

    threads = [threading.Thread(target=loop, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def measure(
    server: Gunicorn, clients: list[Client], *, seconds: float, processes: int
) -> dict[str, float]:
    """Requests per second and server CPU per request over ``seconds`` of closed-loop GETs."""
    context = multiprocessing.get_context("fork")
    counts = context.Value("l", 0)
    errors = context.Value("l", 0)
    shares = [clients[n::processes] for n in range(processes)]
    workers = [
        context.Process(target=_hammer, args=(server.port, share, seconds, counts, errors))
        for share in shares
        if share
    ]
    cpu_before = server.cpu_seconds()
    started = time.monotonic()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.monotonic() - started
    cpu = server.cpu_seconds() - cpu_before
    served = max(counts.value, 1)
    return {
        "requests": counts.value,
        "errors": errors.value,
        "requests_per_s": round(counts.value / elapsed, 1),
        "server_cpu_ms_per_request": round(cpu * 1000 / served, 3),
    }


def _median(values: Any, digits: int = 1) -> float:
    return round(statistics.median(list(values)), digits)


def compare(
    hello: Gunicorn,
    hello_clients: list[Client],
    page: Gunicorn,
    page_clients: list[Client],
    *,
    rounds: int,
    seconds: float,
    processes: int,
) -> dict[str, Any]:
    """Alternate hello and question-page rounds; the median ratio and each round's figures."""
    for server, clients in ((hello, hello_clients), (page, page_clients)):
        measure(server, clients, seconds=min(seconds, 2.0), processes=processes)  # warm-up
    results: list[dict[str, Any]] = []
    for _round in range(rounds):
        first = measure(hello, hello_clients, seconds=seconds, processes=processes)
        second = measure(page, page_clients, seconds=seconds, processes=processes)
        results.append({"hello": first, "page": second})
    ratios = [r["page"]["requests_per_s"] / max(r["hello"]["requests_per_s"], 0.1) for r in results]
    cpu_ratios = [
        r["hello"]["server_cpu_ms_per_request"] / max(r["page"]["server_cpu_ms_per_request"], 1e-6)
        for r in results
    ]
    return {
        "ratio": round(statistics.median(ratios), 3),
        "server_cpu_ratio": round(statistics.median(cpu_ratios), 3),
        "hello_requests_per_s": _median(r["hello"]["requests_per_s"] for r in results),
        "page_requests_per_s": _median(r["page"]["requests_per_s"] for r in results),
        "hello_server_cpu_ms": _median(
            (r["hello"]["server_cpu_ms_per_request"] for r in results), digits=3
        ),
        "page_server_cpu_ms": _median(
            (r["page"]["server_cpu_ms_per_request"] for r in results), digits=3
        ),
        "errors": sum(r["hello"]["errors"] + r["page"]["errors"] for r in results),
        "rounds": results,
    }
