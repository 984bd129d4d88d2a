"""Throwaway databases: a SQLite file, a database on a PostgreSQL server, or a private server.

:class:`PrivatePostgres` runs its own PostgreSQL (``initdb`` in a temporary
directory, its own port and socket directory) so a fault test can kill and
restart it without touching the machine's shared server. As root, PostgreSQL
refuses to run, so the binaries are run as the ``postgres`` user.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url

DEFAULT_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/test"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _conninfo(url: str) -> str:
    parsed = make_url(url)
    parts = [f"dbname={parsed.database}", f"host={parsed.host or '127.0.0.1'}"]
    parts.append(f"port={parsed.port or 5432}")
    if parsed.username:
        parts.append(f"user={parsed.username}")
    if parsed.password:
        parts.append(f"password={parsed.password}")
    return " ".join(parts)


def create_database(admin_url: str, name: str) -> str:
    """Create database ``name`` on the server of ``admin_url`` and return its URL."""
    with psycopg.connect(_conninfo(admin_url), autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def drop_database(admin_url: str, name: str) -> None:
    with psycopg.connect(_conninfo(admin_url), autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _postgres_bin() -> Path:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    if candidates:
        return Path(candidates[0]).parent
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    raise RuntimeError("PostgreSQL server binaries (initdb) not found")


class PrivatePostgres:
    """A PostgreSQL server of our own, for tests that restart the database."""

    def __init__(self) -> None:
        self.bin = _postgres_bin()
        self.port = free_port()
        self.directory = Path(tempfile.mkdtemp(prefix="ecoute-pg-"))
        self.data = self.directory / "data"
        self.log = self.directory / "postgres.log"
        self._as_postgres: list[str] = []
        if os.geteuid() == 0:
            owner = pwd.getpwnam("postgres")
            os.chown(self.directory, owner.pw_uid, owner.pw_gid)
            self._as_postgres = ["runuser", "-u", "postgres", "--"]

    @property
    def admin_url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str) -> None:
        subprocess.run(
            [*self._as_postgres, *args],
            check=True,
            capture_output=True,
            text=True,
            cwd=self.directory,
            timeout=120,
        )

    def initdb(self) -> None:
        self._run(
            str(self.bin / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "--no-sync",
            "-E",
            "UTF8",
            "--locale=C",
        )

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 "
            "-c max_connections=200 -c fsync=on -c synchronous_commit=on"
        )
        self._run(
            str(self.bin / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-o",
            options,
            "-w",
            "-t",
            "60",
            "start",
        )

    def stop(self, mode: str = "fast") -> None:
        """``immediate`` is a crash: no checkpoint, recovery from the WAL at next start."""
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def restart(self, mode: str = "immediate", down_seconds: float = 1.0) -> None:
        self.stop(mode)
        time.sleep(down_seconds)
        self.start()

    def __enter__(self) -> PrivatePostgres:
        self.initdb()
        self.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop("immediate")
        shutil.rmtree(self.directory, ignore_errors=True)
