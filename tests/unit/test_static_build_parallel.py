"""Several processes building the static files at once all succeed (gunicorn workers, xdist)."""

from __future__ import annotations

import os
import stat
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path

from survey_app.static_files import build

SOURCE = Path(__file__).resolve().parents[2] / "survey_app" / "static"


def test_builds_started_together_on_a_fresh_instance_all_succeed_and_agree(tmp_path: Path) -> None:
    for attempt in range(5):
        target = tmp_path / f"static-build-{attempt}"
        with ThreadPoolExecutor(max_workers=4) as pool:
            futures = [pool.submit(partial(build, SOURCE, target)) for _ in range(4)]
            results = [future.result() for future in futures]

        assert all(names == results[0] for names in results)
        for hashed in results[0].values():
            built = target / hashed
            assert built.read_bytes() == (SOURCE / _unhashed(hashed, results[0])).read_bytes()
            assert stat.S_IMODE(built.stat().st_mode) & 0o044 == 0o044  # readable by a proxy
        assert not [name for name in os.listdir(target) if name.endswith(".tmp")]


def _unhashed(hashed: str, names: dict[str, str]) -> str:
    return next(relative for relative, name in names.items() if name == hashed)
