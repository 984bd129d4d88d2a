"""Profile the first question page in-process (test client, cProfile): where its time goes.

    .venv/bin/python -m bench.load.profile_page            # CPU ms per page, then top 40
    .venv/bin/python -m bench.load.profile_page --pages 1000 --sort tottime

A throwaway SQLite study (the load test's 12-question survey), one link
opened and past the consent page, then ``--pages`` GETs of the first question
page. The CPU time per page is measured without the profiler first (process
time, so other programs on the machine weigh less), then the same GETs run
under cProfile. Use it to find what a page still spends before changing it.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.load import seed  # noqa: E402 - after the path set-up above
from bench.load.respondent import page_form  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=500)
    parser.add_argument("--sort", default="cumulative", choices=("cumulative", "tottime"))
    parser.add_argument("--top", type=int, default=40)
    args = parser.parse_args(argv)
    directory = tempfile.mkdtemp(prefix="ecoute-profile-")
    try:
        url = f"sqlite:///{directory}/profile.sqlite3"
        study = seed.prepare(url, 1)
        app = seed.make_app(url)
        client = app.test_client()
        consent = client.get(f"/s/{study.tokens[0]}", follow_redirects=True)
        form = page_form(consent.get_data(as_text=True), "/s/start")
        if form is None:
            raise SystemExit("no consent form")
        path = client.post("/s/start", data=form.hidden).headers["Location"]
        for _warm_up in range(20):
            client.get(path)
        began = time.process_time()
        for _page in range(args.pages):
            client.get(path)
        cpu_ms = (time.process_time() - began) * 1000 / args.pages
        print(f"{path}: {cpu_ms:.2f} ms of CPU per page (test client, no profiler)")
        profiler = cProfile.Profile()
        profiler.enable()
        for _page in range(args.pages):
            client.get(path)
        profiler.disable()
        pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.top)
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
