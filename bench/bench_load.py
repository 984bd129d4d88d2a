"""Load test: simulated respondents against gunicorn on SQLite, PostgreSQL and a bare Flask app.

    .venv/bin/python bench/bench_load.py          # hello, sqlite, postgresql, fault; 200 users
    .venv/bin/python bench/bench_load.py --targets postgresql --users 300 --duration 60
    .venv/bin/python bench/bench_load.py --targets fault   # kill -9 a worker, restart PG
    .venv/bin/python bench/bench_load.py --targets pages   # question page vs bare Flask, weight
    .venv/bin/python bench/bench_load.py --quick           # what CI runs: pages on SQLite, short

The ``pages`` target measures what one page costs rather than whether people
are served: closed-loop GETs of the first question page against the same GETs
of a bare Flask route (``bench/hello_app.py``), both on gunicorn with the same
settings, in alternating rounds of one run; it reports the ratio of their
requests per second (and of their server CPU per request), and the weight on
the wire of the first question page opened cold (HTML, stylesheet, images,
script), which must stay under 15 KB (the run fails otherwise). See
:mod:`bench.load.throughput` and :mod:`bench.load.weight`.

Each target gets a fresh database (a SQLite file in a temporary directory, or
``ecoute_bench_<random>`` on the PostgreSQL server at ``--admin-url``, dropped
afterwards; the ``fault`` target runs a private PostgreSQL instead, kills a
gunicorn worker with SIGKILL at 30 % of the run and crash-restarts PostgreSQL
at 60 %), a gunicorn started
with ``deploy/gunicorn.conf.py``, and ``--users`` concurrent respondents who
open a link and answer the 12-question survey page by page with think time,
one survey after another until ``--duration`` seconds have passed (every
run is bounded: at most duration + 45 s). Loopback only. The figures
(completions/s, page latency p50/p95/p99, errors) are printed and written to
``bench-results/load.json``; afterwards every acknowledged answer is looked
up in the database.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.load import databases, seed  # noqa: E402 - after the path set-up above
from bench.load.fault import run_fault_scenario  # noqa: E402
from bench.load.run import run_load  # noqa: E402
from bench.load.server import Gunicorn  # noqa: E402
from bench.load.throughput import Client, compare, open_sessions  # noqa: E402
from bench.load.verify import check_database, check_resumable  # noqa: E402
from bench.load.weight import cold_page_weight  # noqa: E402

TARGETS = ("pages", "hello", "sqlite", "postgresql", "fault")
#: The cold first question page must stay under this many bytes on the wire.
COLD_PAGE_LIMIT = 15 * 1024


def tokens_needed(users: int, duration_s: float, think_s: float) -> int:
    """Enough links for every user to start a new survey until the end, with margin."""
    survey_s = max(15 * think_s, 1.0)
    return users * (math.ceil(duration_s / survey_s) + 2)


def server_env(database_url: str | None) -> dict[str, str]:
    environment = {
        "ECOUTE_ENV": "production",
        "SECRET_KEY": seed.SECRET_KEY,
        "LOG_LEVEL": os.environ.get("BENCH_LOG_LEVEL", "WARNING"),
    }
    if database_url:
        environment["DATABASE_URL"] = database_url
    return environment


def _page_database(kind: str, args: argparse.Namespace, cleanup: list[Any]) -> str:
    if kind == "sqlite":
        directory = tempfile.mkdtemp(prefix="ecoute-bench-")
        cleanup.append(lambda: shutil.rmtree(directory, ignore_errors=True))
        return f"sqlite:///{directory}/bench.sqlite3"
    name = f"ecoute_bench_{seed.random_suffix()}"
    url = databases.create_database(args.admin_url, name)
    cleanup.append(lambda: databases.drop_database(args.admin_url, name))
    return url


def run_pages(args: argparse.Namespace) -> list[dict[str, Any]]:
    """The question page against the bare Flask route, on each database; and its weight."""
    results = []
    hello_port = databases.free_port()
    hello = Gunicorn(
        hello_port,
        wsgi_app="bench.hello_app:app",
        workers=args.workers,
        threads=args.threads,
        env=server_env(None),
    )
    hello.start(timeout=180)  # five workers boot slowly on a busy machine
    try:
        hello_clients = [Client("/s/q/q1") for _ in range(args.connections)]
        for kind in [k.strip() for k in args.page_databases.split(",") if k.strip()]:
            cleanup: list[Any] = []
            try:
                database_url = _page_database(kind, args, cleanup)
                tokens = seed.prepare(database_url, args.connections).tokens
                page = Gunicorn(
                    databases.free_port(),
                    workers=args.workers,
                    threads=args.threads,
                    env=server_env(database_url),
                )
                page.start(timeout=180)
                cleanup.insert(0, page.stop)
                clients = open_sessions(page.port, tokens)
                weight = cold_page_weight(page.port, clients[0].path, clients[0].cookie)
                summary = compare(
                    hello,
                    hello_clients,
                    page,
                    clients,
                    rounds=args.rounds,
                    seconds=args.seconds,
                    processes=args.client_processes,
                )
                load_1, _load_5, _load_15 = os.getloadavg()
                summary.update(
                    target=f"pages-{kind}",
                    connections=args.connections,
                    cold_page=weight.as_dict(),
                    machine_load_average_at_end=round(load_1, 1),
                )
                results.append(summary)
            finally:
                for step in cleanup:
                    try:
                        step()
                    except Exception as error:
                        print(f"  cleanup: {error}", file=sys.stderr)
    finally:
        hello.stop()
    return results


def print_pages(results: list[dict[str, Any]]) -> None:
    header = (
        f"{'target':<19}{'page/s':>8}{'hello/s':>9}{'ratio':>7}"
        f"{'page cpu ms':>12}{'hello cpu ms':>13}{'cpu ratio':>10}{'cold KB':>9}{'no-JS KB':>9}"
        f"{'errors':>7}{'load':>6}"
    )
    print(header)
    for r in results:
        cold = r["cold_page"]
        print(
            f"{r['target']:<19}{r['page_requests_per_s']:>8}{r['hello_requests_per_s']:>9}"
            f"{r['ratio']:>7}{r['page_server_cpu_ms']:>12}{r['hello_server_cpu_ms']:>13}"
            f"{r['server_cpu_ratio']:>10}{cold['total_bytes'] / 1024:>9.1f}"
            f"{cold['without_scripts_bytes'] / 1024:>9.1f}{r['errors']:>7}"
            f"{r['machine_load_average_at_end']:>6}"
        )


def run_target(target: str, args: argparse.Namespace) -> dict[str, Any]:
    if target == "fault":
        summary = run_fault_scenario(
            users=args.users,
            duration_s=args.duration,
            think_s=args.think,
            ramp_s=args.ramp,
            workers=args.workers,
            threads=args.threads,
        )
        summary["target"] = target
        return summary
    port = databases.free_port()
    count = tokens_needed(args.users, args.duration, args.think)
    cleanup = []
    try:
        if target == "hello":
            tokens = [f"hello{n}" for n in range(count)]
            database_url = None
            wsgi_app = "bench.hello_app:app"
        else:
            wsgi_app = "wsgi:app"
            if target == "sqlite":
                directory = tempfile.mkdtemp(prefix="ecoute-bench-")
                database_url = f"sqlite:///{directory}/bench.sqlite3"
                cleanup.append(lambda: shutil.rmtree(directory, ignore_errors=True))
            else:
                name = f"ecoute_bench_{seed.random_suffix()}"
                database_url = databases.create_database(args.admin_url, name)
                cleanup.append(lambda: databases.drop_database(args.admin_url, name))
            began = time.monotonic()
            tokens = seed.prepare(database_url, count).tokens
            print(f"  {target}: {count} invitations in {time.monotonic() - began:.1f}s")
        server = Gunicorn(
            port,
            wsgi_app=wsgi_app,
            workers=args.workers,
            threads=args.threads,
            env=server_env(database_url),
        )
        server.start()
        cleanup.insert(0, server.stop)
        result = run_load(
            port,
            tokens,
            users=args.users,
            duration_s=args.duration,
            think_s=args.think,
            ramp_s=args.ramp,
            server_cpu=server.cpu_seconds,
        )
        summary = result.summary
        summary["target"] = target
        if database_url is not None:
            verdict = check_database(database_url, result.respondents)
            check_resumable(port, result.respondents, verdict)
            summary["verification"] = verdict.as_dict()
        return summary
    finally:
        for step in cleanup:
            try:
                step()
            except Exception as error:
                print(f"  cleanup: {error}", file=sys.stderr)


def print_table(results: list[dict[str, Any]]) -> None:
    header = (
        f"{'target':<11}{'users':>6}{'done':>6}{'done/s':>8}{'req/s':>7}"
        f"{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}{'5xx':>5}{'conn':>5}{'failed':>7}{'lost':>5}"
        f"{'srv ms/req':>11}{'load':>6}"
    )
    print(header)
    for r in results:
        latency = r["latency_ms"]
        lost = r.get("verification", {}).get("lost")
        print(
            f"{r['target']:<11}{r['users']:>6}{r['completions']:>6}{r['completions_per_s']:>8}"
            f"{r['requests_per_s']:>7}{latency['p50']:>8}{latency['p95']:>8}{latency['p99']:>8}"
            f"{r['server_errors']:>5}{r['transport_errors']:>5}{r['failed_respondents']:>7}"
            f"{'-' if lost is None else len(lost):>5}"
            f"{r.get('server_cpu_ms_per_request', '-'):>11}{r['machine_load_average_at_end']:>6}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--targets", default=",".join(TARGETS))
    parser.add_argument("--users", type=int, default=200, help="concurrent respondents")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds starting surveys")
    parser.add_argument("--think", type=float, default=5.0, help="mean think time per page (s)")
    parser.add_argument("--ramp", type=float, default=10.0, help="seconds to start all users")
    parser.add_argument("--workers", type=int, default=5)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument(
        "--admin-url",
        default=os.environ.get("BENCH_POSTGRES_URL", databases.DEFAULT_ADMIN_URL),
    )
    parser.add_argument("--output", default=str(ROOT / "bench-results" / "load.json"))
    pages = parser.add_argument_group("pages target (question page against bare Flask)")
    pages.add_argument("--page-databases", default="sqlite,postgresql")
    pages.add_argument("--rounds", type=int, default=5, help="alternating rounds (median kept)")
    pages.add_argument("--seconds", type=float, default=8.0, help="seconds per round")
    pages.add_argument("--connections", type=int, default=16, help="keep-alive connections")
    pages.add_argument("--client-processes", type=int, default=2)
    parser.add_argument(
        "--quick",
        action="store_true",
        help="CI size: the pages target on SQLite only, 2 short rounds",
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.targets, args.page_databases = "pages", "sqlite"
        args.rounds, args.seconds, args.connections = 2, 2.0, 8
    targets = [t.strip() for t in args.targets.split(",") if t.strip()]
    unknown = [t for t in targets if t not in TARGETS]
    if unknown:
        parser.error(f"unknown target(s) {', '.join(unknown)}; choose among {', '.join(TARGETS)}")

    results = []
    page_results: list[dict[str, Any]] = []
    for target in targets:
        if target == "pages":
            print(f"== pages: {args.rounds} × {args.seconds}s, {args.connections} connections")
            page_results = run_pages(args)
            continue
        print(f"== {target}: {args.users} respondents, think {args.think}s, {args.duration}s")
        results.append(run_target(target, args))
    if page_results:
        print_pages(page_results)
    if results:
        print_table(results)
    results += page_results
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps({"arguments": vars(args), "results": results}, indent=2))
    print(f"details: {output}")
    failed = any(
        r.get("verification", {}).get("ok") is False
        or (r["target"] == "postgresql" and r["server_errors"])
        for r in results
    )
    for r in page_results:
        if r["errors"]:
            print(f"{r['target']}: {r['errors']} requests failed")
            failed = True
        if r["cold_page"]["total_bytes"] > COLD_PAGE_LIMIT:
            print(f"{r['target']}: the cold first question page weighs more than 15 KB")
            failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
