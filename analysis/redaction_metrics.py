"""Precision and recall of :func:`analysis.redact` on a labelled set of sentences.

The labelled files (``tests/data/redaction_*.txt``) hold one sentence a line,
``LANGUAGE<TAB>sentence``, with each piece of personal data marked
``{kind:text}``. Scoring, per kind:

* **recall**: share of the marked pieces whose every character is inside a
  redacted span (of any kind: a phone number taken for an identifier is still
  out of the text);
* **precision**: share of the redacted spans of that kind that overlap a marked
  piece (a span over clean words is a false alarm);
* **clean sentences untouched**: share of the sentences without any mark that
  come back character for character.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from analysis.redact import KINDS, Span, find_personal_data

_MARK = re.compile(r"\{(\w+):([^{}]+)\}")


@dataclass(frozen=True)
class LabelledSentence:
    language: str
    text: str
    truth: tuple[Span, ...]


@dataclass
class KindScore:
    marked: int = 0
    found: int = 0
    predicted: int = 0
    correct_predictions: int = 0

    @property
    def recall(self) -> float | None:
        return self.found / self.marked if self.marked else None

    @property
    def precision(self) -> float | None:
        return self.correct_predictions / self.predicted if self.predicted else None


@dataclass
class Evaluation:
    sentences: int = 0
    clean: int = 0
    clean_untouched: int = 0
    kinds: dict[str, KindScore] = field(default_factory=lambda: {k: KindScore() for k in KINDS})
    misses: list[str] = field(default_factory=list)
    false_alarms: list[str] = field(default_factory=list)

    @property
    def clean_rate(self) -> float | None:
        return self.clean_untouched / self.clean if self.clean else None


def parse_labelled(lines: Iterable[str], source: str = "<labelled>") -> list[LabelledSentence]:
    """Sentences and their marked spans; a line that is not ``fr|en<TAB>text`` is an error."""
    sentences = []
    for number, line in enumerate(lines, start=1):
        line = line.rstrip("\n")
        if not line.strip() or line.startswith("#"):
            continue
        language, sep, marked = line.partition("\t")
        if not sep or language not in ("fr", "en"):
            raise ValueError(
                f"{source}, line {number}: expected 'fr' or 'en', a tab, then the text"
            )
        text, truth, position = [], [], 0
        length = 0
        for match in _MARK.finditer(marked):
            kind, value = match.group(1), match.group(2)
            if kind not in KINDS:
                raise ValueError(f"{source}, line {number}: unknown kind {kind!r}")
            piece = marked[position : match.start()]
            text.append(piece)
            length += len(piece)
            truth.append(Span(length, length + len(value), kind))
            text.append(value)
            length += len(value)
            position = match.end()
        text.append(marked[position:])
        sentences.append(LabelledSentence(language, "".join(text), tuple(truth)))
    return sentences


def read_labelled(path: str | Path) -> list[LabelledSentence]:
    path = Path(path)
    return parse_labelled(path.read_text(encoding="utf-8").splitlines(), source=path.name)


def evaluate(sentences: Iterable[LabelledSentence]) -> Evaluation:
    result = Evaluation()
    for sentence in sentences:
        result.sentences += 1
        predicted = find_personal_data(sentence.text, sentence.language)
        covered: set[int] = set()
        for span in predicted:
            covered.update(range(span.start, span.end))
        if not sentence.truth:
            result.clean += 1
            if not predicted:
                result.clean_untouched += 1
        for truth in sentence.truth:
            score = result.kinds[truth.kind]
            score.marked += 1
            if all(i in covered for i in range(truth.start, truth.end)):
                score.found += 1
            else:
                result.misses.append(
                    f"{truth.kind}: {sentence.text[truth.start : truth.end]!r} in {sentence.text!r}"
                )
        for span in predicted:
            score = result.kinds[span.kind]
            score.predicted += 1
            if any(t.start < span.end and span.start < t.end for t in sentence.truth):
                score.correct_predictions += 1
            else:
                result.false_alarms.append(
                    f"{span.kind}: {sentence.text[span.start : span.end]!r} in {sentence.text!r}"
                )
    return result


def format_table(evaluations: dict[str, Evaluation]) -> str:
    """A Markdown table: one row per kind, precision and recall per labelled set."""
    names = list(evaluations)
    header = "| kind | " + " | ".join(f"{n}: precision | {n}: recall (n)" for n in names) + " |"
    rule = "|---|" + "---|---|" * len(names)
    rows = [header, rule]

    def fmt(value: float | None) -> str:
        return "–" if value is None else f"{value:.3f}"

    for kind in KINDS:
        cells = []
        for name in names:
            score = evaluations[name].kinds[kind]
            cells.append(f"{fmt(score.precision)} | {fmt(score.recall)} ({score.marked})")
        rows.append(f"| {kind} | " + " | ".join(cells) + " |")
    cells = []
    for name in names:
        e = evaluations[name]
        cells.append(f" | {fmt(e.clean_rate)} ({e.clean_untouched}/{e.clean})")
    rows.append("| clean sentences untouched |" + " |".join(cells) + " |")
    return "\n".join(rows)
