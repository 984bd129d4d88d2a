"""French and English function words, read from ``analysis/data`` once per process."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

_DATA = Path(__file__).resolve().parent / "data"


def _word_list(name: str) -> set[str]:
    lines = (_DATA / name).read_text(encoding="utf-8").splitlines()
    return {line.strip() for line in lines if line.strip() and not line.startswith("#")}


@lru_cache(maxsize=1)
def function_words() -> frozenset[str]:
    """Our French list and scikit-learn's English one (a copy: no scikit-learn import)."""
    return frozenset(_word_list("stopwords_fr.txt") | _word_list("stopwords_en.txt"))
