"""Request timings and outcomes, summarised as the issue asks: rate, percentiles, errors."""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass, field
from typing import Any


def percentile(sorted_values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of an already sorted list (0.0 when empty)."""
    if not sorted_values:
        return 0.0
    rank = max(1, math.ceil(fraction * len(sorted_values)))
    return sorted_values[rank - 1]


@dataclass
class Recorder:
    """Thread-safe sink for every request the simulated respondents make."""

    started: float = field(default_factory=time.perf_counter)
    latencies_ms: dict[str, list[float]] = field(default_factory=dict)
    statuses: dict[int, int] = field(default_factory=dict)
    transport_errors: int = 0
    stale_connections: int = 0
    server_errors: int = 0
    unexpected: list[str] = field(default_factory=list)
    completions: int = 0
    abandoned: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def request(self, kind: str, status: int, elapsed_ms: float) -> None:
        with self._lock:
            self.latencies_ms.setdefault(kind, []).append(elapsed_ms)
            self.statuses[status] = self.statuses.get(status, 0) + 1
            if status >= 500:
                self.server_errors += 1

    def transport_error(self) -> None:
        with self._lock:
            self.transport_errors += 1

    def stale_connection(self) -> None:
        with self._lock:
            self.stale_connections += 1

    def problem(self, text: str) -> None:
        with self._lock:
            if len(self.unexpected) < 50:
                self.unexpected.append(text)

    def completed(self) -> None:
        with self._lock:
            self.completions += 1

    def gave_up(self) -> None:
        with self._lock:
            self.abandoned += 1

    def summary(self, duration_s: float | None = None) -> dict[str, Any]:
        duration = duration_s if duration_s is not None else time.perf_counter() - self.started
        with self._lock:
            every = sorted(x for values in self.latencies_ms.values() for x in values)
            by_kind = {
                kind: _describe(sorted(values))
                for kind, values in sorted(self.latencies_ms.items())
            }
            return {
                "duration_s": round(duration, 1),
                "requests": len(every),
                "requests_per_s": round(len(every) / duration, 1) if duration else 0.0,
                "completions": self.completions,
                "completions_per_s": round(self.completions / duration, 2) if duration else 0.0,
                "abandoned": self.abandoned,
                "latency_ms": _describe(every),
                "latency_ms_by_page": by_kind,
                "statuses": dict(sorted(self.statuses.items())),
                "server_errors": self.server_errors,
                "transport_errors": self.transport_errors,
                "stale_keepalive_reconnects": self.stale_connections,
                "unexpected": list(self.unexpected),
            }


def _describe(values: list[float]) -> dict[str, float]:
    return {
        "p50": round(percentile(values, 0.50), 1),
        "p95": round(percentile(values, 0.95), 1),
        "p99": round(percentile(values, 0.99), 1),
        "max": round(values[-1], 1) if values else 0.0,
    }
