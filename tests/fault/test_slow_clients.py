"""Slow clients hold nginx connections, not gunicorn threads (deploy/nginx/ecoute.conf).

A few clients that send half a request header and then nothing ("slowloris")
take every thread of a small gunicorn: a direct request then waits. Behind
the nginx site of ``deploy/``, which buffers whole requests before passing
them on, the same clients change nothing: ``/health`` answers at once.
"""

from __future__ import annotations

import http.client
import shutil
import signal
import socket
import ssl
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.load.databases import free_port
from bench.load.server import ROOT, Gunicorn

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        shutil.which("nginx") is None or shutil.which("openssl") is None,
        reason="nginx and openssl are needed to run the deploy/ nginx site",
    ),
]

SLOW_CLIENTS = 12


@pytest.fixture
def small_gunicorn(tmp_path: Path) -> Iterator[Gunicorn]:
    """One worker with two threads, so that a handful of slow clients could starve it."""
    server = Gunicorn(
        free_port(),
        workers=1,
        threads=2,
        env={
            "DATABASE_URL": f"sqlite:///{tmp_path / 'slow.sqlite3'}",
            "SECRET_KEY": "slow-client-test",
            "LOG_LEVEL": "WARNING",
        },
        log_path=tmp_path / "gunicorn.log",
    )
    server.start()
    yield server
    server.stop()


@pytest.fixture
def nginx_in_front(small_gunicorn: Gunicorn) -> Iterator[int]:
    """The deploy/ nginx site on a free port, proxying to ``small_gunicorn``."""
    port = free_port()
    process = subprocess.Popen(
        [str(ROOT / "deploy" / "check-nginx.sh"), "--serve", str(port), str(small_gunicorn.port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.2)
    yield port
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=20)


def trickle(port: int, *, tls: bool = False) -> list[socket.socket]:
    """Open connections that send an incomplete request header and stall."""
    held = []
    for _ in range(SLOW_CLIENTS):
        raw = socket.create_connection(("127.0.0.1", port), timeout=5)
        sock: socket.socket = raw
        if tls:
            context = ssl.create_default_context()
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
            sock = context.wrap_socket(raw, server_hostname="ecoute.example.org")
        sock.sendall(b"POST /auth/login HTTP/1.1\r\nHost: ecoute.example.org\r\nContent-Len")
        held.append(sock)
    time.sleep(0.5)
    return held


def health_seconds(port: int, *, tls: bool = False, timeout: float = 4.0) -> float | None:
    """Seconds for GET /health to answer 200, or None if it did not within ``timeout``."""
    started = time.monotonic()
    if tls:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        connection: http.client.HTTPConnection = http.client.HTTPSConnection(
            "127.0.0.1", port, timeout=timeout, context=context
        )
    else:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", "/health", headers={"Host": "ecoute.example.org"})
        response = connection.getresponse()
        response.read()
        return time.monotonic() - started if response.status == 200 else None
    except (OSError, http.client.HTTPException):
        return None
    finally:
        connection.close()


def test_slow_clients_starve_bare_gunicorn_but_not_nginx_in_front(
    small_gunicorn: Gunicorn, nginx_in_front: int
) -> None:
    assert health_seconds(small_gunicorn.port) is not None

    stalled_direct = trickle(small_gunicorn.port)
    try:
        direct = health_seconds(small_gunicorn.port)
    finally:
        for sock in stalled_direct:
            sock.close()
    assert direct is None, "without nginx, slow clients should hold gunicorn's threads"
    assert small_gunicorn.wait_healthy(timeout=40) is None

    stalled_proxied = trickle(nginx_in_front, tls=True)
    try:
        proxied = health_seconds(nginx_in_front, tls=True)
    finally:
        for sock in stalled_proxied:
            sock.close()
    assert proxied is not None, "behind nginx, /health must still answer"
    assert proxied < 1.0
