"""A gunicorn server started with the production config (``deploy/gunicorn.conf.py``)."""

from __future__ import annotations

import http.client
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GUNICORN_CONF = ROOT / "deploy" / "gunicorn.conf.py"


class Gunicorn:
    """gunicorn serving ``wsgi_app`` on a loopback port; stopped by its own pid only."""

    def __init__(
        self,
        port: int,
        *,
        wsgi_app: str = "wsgi:app",
        workers: int = 5,
        threads: int = 4,
        env: dict[str, str] | None = None,
        log_path: Path | None = None,
    ) -> None:
        self.port = port
        self.wsgi_app = wsgi_app
        self.workers = workers
        self.threads = threads
        self.env = dict(env or {})
        self.log_path = (
            log_path or Path(tempfile.gettempdir()) / f"ecoute-bench-gunicorn-{port}.log"
        )
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 60.0) -> None:
        environment = {
            **os.environ,
            "ECOUTE_BIND": f"127.0.0.1:{self.port}",
            "ECOUTE_WSGI_APP": self.wsgi_app,
            "WEB_CONCURRENCY": str(self.workers),
            "ECOUTE_THREADS": str(self.threads),
            # The load client connects directly, no proxy in front.
            "ECOUTE_PROXY_HOPS": "0",
            "PYTHONPATH": str(ROOT),
            **self.env,
        }
        gunicorn = Path(sys.executable).with_name("gunicorn")
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [str(gunicorn), "-c", str(GUNICORN_CONF)],
            cwd=ROOT,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        try:
            self.wait_healthy(timeout)
        except BaseException:
            self.stop()
            raise

    def wait_healthy(self, timeout: float = 60.0, path: str = "/health") -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(
                    f"gunicorn exited with {self.process.returncode}; see {self.log_path}"
                )
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
            try:
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                if response.status == 200:
                    return
            except (OSError, http.client.HTTPException):
                pass
            finally:
                connection.close()
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn not healthy after {timeout}s; see {self.log_path}")

    def worker_pids(self) -> list[int]:
        """The master's children (the workers), read from /proc."""
        if self.process is None:
            return []
        master = self.process.pid
        children = Path(f"/proc/{master}/task/{master}/children")
        if children.exists():
            return [int(pid) for pid in children.read_text().split()]
        return []

    def cpu_seconds(self) -> float:
        """CPU time (user + system) used so far by the master and all its workers, dead or alive."""
        if self.process is None:
            return 0.0
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0
        for pid in [self.process.pid, *self.worker_pids()]:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            # utime, stime, and for the master cutime, cstime (workers it reaped)
            total += int(fields[11]) + int(fields[12])
            if pid == self.process.pid:
                total += int(fields[13]) + int(fields[14])
        return total / ticks

    def kill_one_worker(self) -> int:
        """SIGKILL one worker (a crash mid-request); the master starts a replacement."""
        pids = self.worker_pids()
        if not pids:
            raise RuntimeError("no gunicorn worker to kill")
        os.kill(pids[0], signal.SIGKILL)
        return pids[0]

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    def __enter__(self) -> Gunicorn:
        self.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()
