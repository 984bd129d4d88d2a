"""Static files: content-hashed names, compressed copies, far-future caching (WhiteNoise).

At start-up every file under ``survey_app/static`` is copied once into
``instance/static-build/`` under a name carrying its content hash
(``css/ecoute.3f2a9c1b7d4e.css``), with a gzip copy beside each text file.
``url_for('static', filename='css/ecoute.css')`` gives the hashed name, and
WhiteNoise (in front of the app) serves the build directory: hashed names
are cached for a year (``immutable``), compressed when the browser accepts
it. A changed file gets a new name, so no browser ever keeps a stale one.
Unhashed names still work (short cache) for links from outside.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import re
import shutil
import tempfile
from pathlib import Path

from flask import Flask

ONE_YEAR = 365 * 24 * 3600
_COMPRESSED = {".css", ".js", ".svg", ".txt", ".json", ".html"}
_HASHED = re.compile(r"\.[0-9a-f]{12}\.[A-Za-z0-9]+$")


def hashed_name(relative: str, content: bytes) -> str:
    path = Path(relative)
    digest = hashlib.sha256(content).hexdigest()[:12]
    return str(path.with_name(f"{path.stem}.{digest}{path.suffix}"))


def build(source: Path, target: Path) -> dict[str, str]:
    """Copy the static files to ``target`` with hashed names and gzip copies; return the map."""
    names: dict[str, str] = {}
    for file in sorted(p for p in source.rglob("*") if p.is_file()):
        relative = file.relative_to(source).as_posix()
        content = file.read_bytes()
        hashed = hashed_name(relative, content)
        names[relative] = hashed
        for name in (relative, hashed):
            destination = target / name
            if destination.exists() and destination.read_bytes() == content:
                continue
            destination.parent.mkdir(parents=True, exist_ok=True)
            _write_atomically(destination, content)
            if file.suffix in _COMPRESSED:
                packed = gzip.compress(content, compresslevel=9, mtime=0)
                if len(packed) < len(content):
                    _write_atomically(target / (name + ".gz"), packed)
    return names


def _write_atomically(destination: Path, content: bytes) -> None:
    """Write through a temporary file of this process's own, then rename.

    Several processes build at once on a fresh instance (gunicorn's workers,
    parallel test workers): a shared temporary name would let one rename the
    file another is still writing, and the loser's error would make it serve
    without hashed names. Readers never see a half-written file either way.
    """
    fd, temporary = tempfile.mkstemp(dir=destination.parent, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
        os.chmod(temporary, 0o644)  # mkstemp's 0600 would hide the files from a proxy
        os.replace(temporary, destination)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def init_static(app: Flask) -> None:
    """Serve the hashed, compressed copies through WhiteNoise; make url_for use them."""
    from whitenoise import WhiteNoise

    source = Path(app.static_folder or "")
    target = Path(app.instance_path) / "static-build"
    try:
        names = build(source, target)
    except OSError:  # read-only instance folder: Flask serves the files as they are
        app.logger.warning("static files served without hashed names (instance not writable)")
        shutil.rmtree(target, ignore_errors=True)
        return

    @app.url_defaults
    def _hashed_static(endpoint: str, values: dict) -> None:
        if endpoint == "static" and values.get("filename") in names:
            values["filename"] = names[values["filename"]]

    from survey_app.security.headers import CONTENT_SECURITY_POLICY, FIXED_HEADERS

    def _headers(headers, _path: str, _url: str) -> None:
        headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        for name, value in FIXED_HEADERS.items():
            headers[name] = value

    app.wsgi_app = WhiteNoise(  # type: ignore[method-assign]
        app.wsgi_app,
        root=str(target),
        prefix=(app.static_url_path or "/static").strip("/") + "/",
        max_age=3600,
        # Only our own pages use these files: no "Access-Control-Allow-Origin: *"
        # on every response (a cold first page fetches eight of them).
        allow_all_origins=False,
        immutable_file_test=lambda _path, url: bool(_HASHED.search(url)),
        add_headers_function=_headers,
    )
