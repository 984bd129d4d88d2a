"""The standard questionnaires shipped with Écoute (YAML files in this folder).

See README.md in this folder for how the questions were written and where
they come from.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from ..loader import load_definition
from ..model import Questionnaire

_SUFFIX = ".yaml"


def builtin_keys() -> list[str]:
    """Keys of the built-in questionnaires, sorted."""
    return sorted(
        entry.name.removesuffix(_SUFFIX)
        for entry in resources.files(__package__).iterdir()
        if entry.name.endswith(_SUFFIX)
    )


@cache
def load_builtin(key: str) -> Questionnaire:
    """Load a built-in questionnaire; ``KeyError`` for an unknown key."""
    if key not in builtin_keys():
        raise KeyError(f"no built-in questionnaire {key!r}; known: {', '.join(builtin_keys())}")
    text = resources.files(__package__).joinpath(key + _SUFFIX).read_text(encoding="utf-8")
    return load_definition(text, source_name=f"builtin/{key}{_SUFFIX}")
