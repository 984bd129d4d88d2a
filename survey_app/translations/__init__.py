"""French catalogue assembled from one ``.po`` fragment per feature area.

Source strings are English; each area keeps its French translations in
``translations/fr/<area>.po`` so that areas can be worked on independently.
:func:`compile_catalogue` merges them into the ``messages.mo`` Flask-Babel
reads, and runs at app start when a fragment is newer than the catalogue.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

HERE = Path(__file__).parent
FRAGMENTS = HERE / "fr"
COMPILED = FRAGMENTS / "LC_MESSAGES" / "messages.mo"


def fragment_paths() -> list[Path]:
    return sorted(FRAGMENTS.glob("*.po"))


def catalogue_is_stale() -> bool:
    if not COMPILED.exists():
        return True
    compiled_at = COMPILED.stat().st_mtime
    return any(path.stat().st_mtime > compiled_at for path in fragment_paths())


def merged_catalogue() -> Catalog:
    merged = Catalog(locale="fr", domain="messages")
    for path in fragment_paths():
        with path.open("rb") as handle:
            fragment = read_po(handle, locale="fr")
        for message in fragment:
            if message.id and message.string:
                merged.add(message.id, message.string, context=message.context)
    return merged


def compile_catalogue() -> Path:
    """Write ``messages.mo`` atomically (several workers may start at once)."""
    COMPILED.parent.mkdir(parents=True, exist_ok=True)
    catalogue = merged_catalogue()
    fd, tmp_name = tempfile.mkstemp(dir=COMPILED.parent, suffix=".mo.tmp")
    with os.fdopen(fd, "wb") as handle:
        write_mo(handle, catalogue)
    os.replace(tmp_name, COMPILED)
    return COMPILED


def ensure_compiled() -> None:
    if catalogue_is_stale():
        compile_catalogue()


if __name__ == "__main__":
    print(compile_catalogue())
