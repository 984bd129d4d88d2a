"""Themes in open answers: suggested by a statistical model, decided by people.

Two halves, both pure:

* :func:`suggest_themes` -- on **already de-identified** answers
  (:func:`analysis.redact`), TF-IDF weights with French and English stop words
  and a non-negative matrix factorisation (scikit-learn's ``NMF``, NNDSVDA
  start, fixed ``random_state``: the same answers give the same suggestions,
  computed locally without any network call). Each theme comes with its top
  words and the answers that weigh most on it. These are suggestions: a
  person renames, merges, splits, rejects and validates them.
* :func:`theme_section` -- from the answers and the themes people validated,
  the figures a report shows: how many people raised each theme with a Wilson
  interval, by site when every site is large enough, up to three quotes, and
  whether themes differ between self-completed and assisted answers and
  between languages. Small groups follow the share rule of :mod:`analysis.disclosure`.

References
----------
Lee, D. D. & Seung, H. S. (1999). Learning the parts of objects by
non-negative matrix factorization. Nature 401:788–791. Boutsidis, C. &
Gallopoulos, E. (2008). SVD based initialization: a head start for
nonnegative matrix factorization. Pattern Recognition 41:1350–1362.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from analysis.disclosure import (
    BOUND,
    EXACT,
    HIDDEN,
    ShareDecision,
    check_k,
    primary_share,
    protect_shares,
)
from analysis.intervals import wilson_interval
from analysis.results import (
    GroupComparison,
    Share,
    ThemeFigures,
    ThemeSection,
)
from analysis.stopwords import function_words

__all__ = [
    "OpenAnswer",
    "SuggestedTheme",
    "ThemeSection",
    "quote_is_safe",
    "suggest_themes",
    "theme_section",
]

_PLACEHOLDER = re.compile(r"\[[^\[\]]{1,20}\]")
MAX_QUOTES = 3
MAX_QUOTE_LENGTH = 220


@dataclass(frozen=True)
class SuggestedTheme:
    """One suggestion: its most telling words and the answers (indices) it gathers."""

    top_words: tuple[str, ...]
    members: tuple[int, ...]
    examples: tuple[int, ...]

    @property
    def label(self) -> str:
        return ", ".join(self.top_words[:3])


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """French and English function words (sklearn's English list + ours for French)."""
    return function_words() | _POLITE_WORDS


# Courtesy that ends many answers and says nothing about a theme.
_POLITE_WORDS = frozenset(
    {"merci", "mercii", "voilà", "voila", "thanks", "thank", "bonjour", "hello", "cordialement"}
)


def _tokens(text: str) -> list[str]:
    text = _PLACEHOLDER.sub(" ", text.lower())
    words = re.findall(r"[a-zàâäçéèêëîïôöùûüÿæœ]{3,}", text)
    return [w for w in words if w not in stop_words()]


def suggest_themes(
    texts: Sequence[str], *, n_themes: int | None = None, random_state: int = 0
) -> tuple[SuggestedTheme, ...]:
    """Suggest themes for de-identified answers; deterministic for a given input.

    Parameters
    ----------
    texts : sequence of str
        Answers already passed through :func:`analysis.redact` (placeholders are ignored).
    n_themes : int, optional
        Number of themes; by default about one per 25 answers, between 2 and 8.
    random_state : int
        Seed of the NMF start (NNDSVDA is deterministic; the seed only breaks ties).

    Returns
    -------
    tuple of SuggestedTheme
        Each answer belongs to the theme it weighs most on, or to none when it
        has no word in the vocabulary; ``examples`` are the three answers that
        weigh most on the theme.
    """
    from sklearn.decomposition import NMF
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.feature_extraction.text import TfidfVectorizer

    documents = [" ".join(_tokens(t)) for t in texts]
    usable = [i for i, d in enumerate(documents) if d]
    if len(usable) < 4:
        return ()
    if n_themes is None:
        n_themes = max(2, min(8, len(usable) // 25))
    if n_themes < 1:
        raise ValueError(f"n_themes must be at least 1, got {n_themes}")
    vectorizer = TfidfVectorizer(
        min_df=2 if len(usable) >= 20 else 1, max_df=0.6, ngram_range=(1, 1), sublinear_tf=True
    )
    try:
        matrix = vectorizer.fit_transform([documents[i] for i in usable])
    except ValueError:  # every word too rare or too common
        return ()
    n_themes = min(n_themes, matrix.shape[0], matrix.shape[1])
    model = NMF(n_components=n_themes, init="nndsvda", random_state=random_state, max_iter=500)
    with warnings.catch_warnings():
        # The themes are suggestions a person reads, renames or sets aside: a factorisation
        # stopped at 500 iterations still groups the answers usefully, and whether it
        # converges can hinge on the rows' order (a restored database), not on the data.
        warnings.simplefilter("ignore", ConvergenceWarning)
        weights = model.fit_transform(matrix)
    vocabulary = vectorizer.get_feature_names_out()
    themes = []
    for topic in range(n_themes):
        order = model.components_[topic].argsort()[::-1]
        top_words = tuple(str(vocabulary[j]) for j in order[:8] if model.components_[topic, j] > 0)
        members = tuple(
            usable[row]
            for row in range(weights.shape[0])
            if weights[row].max() > 0 and int(weights[row].argmax()) == topic
        )
        ranked = sorted(members, key=lambda i: (-weights[usable.index(i), topic], i))
        if members and top_words:
            themes.append(SuggestedTheme(top_words, members, tuple(ranked[:MAX_QUOTES])))
    themes.sort(key=lambda t: (-len(t.members), t.top_words))
    return tuple(themes)


# ---------------------------------------------------------------- report figures


@dataclass(frozen=True)
class OpenAnswer:
    """One de-identified answer as the report sees it."""

    person: str
    site: str
    mode: str
    language: str
    text: str
    themes: frozenset[str]
    quotable: bool = True


def theme_share(count: int, total: int, k: int) -> Share:
    """One theme share under the report's share rule (:func:`analysis.disclosure.primary_share`).

    Exact when both sides have at least ``k`` people; a bound for the small
    side ("fewer than k people" / "all but fewer than k") when one side is
    small; only the number who answered for groups of ``k`` to ``2k - 2``;
    nothing below ``k``.
    """
    return _share_from(primary_share(count, total, k), count, total, k)


def group_shares(rows: Sequence[tuple[int, int]], k: int, overall: ShareDecision) -> list[Share]:
    """Shares of groups that partition the people of a published overall share.

    The groups and the overall figure together form a table with a margin, so
    a bounded group could otherwise be worked out by subtraction: the same
    interval audit and secondary protection as every other table
    (:func:`analysis.disclosure.protect_shares`) decide what is shown.
    """
    decisions = protect_shares(
        [[count, total - count] for count, total in rows], k, margins=True, total=overall
    )
    return [
        _share_from(decision, count, total, k)
        for decision, (count, total) in zip(decisions, rows, strict=True)
    ]


def _share_from(decision: ShareDecision, count: int, total: int, k: int) -> Share:
    if decision.status == EXACT:
        interval = wilson_interval(count, total)
        return Share(count, total, count / total, interval.low, interval.high, False, None)
    if decision.status == HIDDEN:
        return Share(None, None, None, None, None, True, None)
    if decision.status == BOUND and decision.bound is not None:
        bound = f"< {k}" if decision.bound.relation == "<=" else f"> {total - k}"
        return Share(None, total, None, None, None, True, bound)
    return Share(None, total, None, None, None, True, None)


# Words that may start a sentence or be an institution: a capital elsewhere may be a missed name.
_SAFE_CAPITALS = frozenset(
    {"je", "j", "i", "caf", "france", "travail", "pôle", "emploi", "rsa", "apl", "ok", "tv"}
)


def quote_is_safe(text: str) -> bool:
    """A quote for a report: short, and with nothing that could point at one person.

    Refused: a placeholder (the person wrote personal data, the rest of the
    sentence may still point at them), any digit (ages, numbers of children,
    dates), a capitalised word inside a sentence (maybe a name or place the
    redactor missed), more than :data:`MAX_QUOTE_LENGTH` characters.
    """
    stripped = text.strip()
    if not stripped or len(stripped) > MAX_QUOTE_LENGTH:
        return False
    if _PLACEHOLDER.search(stripped) or any(ch.isdigit() for ch in stripped):
        return False
    for match in re.finditer(r"(?<=[^\s.!?…])(\s+)([A-ZÀ-ÖØ-Þ][\w'’-]*)", stripped):
        word = match.group(2).lower().split("'")[0].split("’")[0]
        preceding = stripped[: match.start(1)].rstrip()
        if preceding.endswith((".", "!", "?", "…", ":", "«", '"')):
            continue
        if word not in _SAFE_CAPITALS:
            return False
    return True


def _compare(
    answers: Sequence[OpenAnswer],
    label: str,
    attribute: str,
    groups: tuple[str, str],
    k: int,
    overall: ShareDecision,
) -> GroupComparison | None:
    from analysis.groups import compare_groups

    def in_group(answer: OpenAnswer, group: str) -> bool:
        value = getattr(answer, attribute)
        if attribute == "mode" and group == "assisted":
            return value in ("assisted", "read_aloud")
        return value == group

    table = []
    for group in groups:
        people = _people([a for a in answers if in_group(a, group)])
        raised = sum(1 for themes in people.values() if label in themes)
        table.append([raised, len(people) - raised])
    shares = group_shares([(raised, raised + rest) for raised, rest in table], k, overall)
    if any(share.suppressed for share in shares):
        # A p value next to a hidden count would let a reader work the count out.
        return GroupComparison(groups, (shares[0], shares[1]), None, "too few people in a group")
    result = compare_groups(table)
    return GroupComparison(groups, (shares[0], shares[1]), result.p_value, result.note)


def _people(answers: Sequence[OpenAnswer]) -> dict[str, set[str]]:
    """Themes raised per person (a person who answered twice counts once)."""
    raised: dict[str, set[str]] = {}
    for answer in answers:
        raised.setdefault(answer.person, set()).update(answer.themes)
    return raised


def theme_section(
    answers: Sequence[OpenAnswer], validated: Sequence[str], *, k: int = 5
) -> ThemeSection:
    """Figures for the validated themes.

    Counts are people, not answers. A site breakdown is given only when every
    site has at least ``k`` people who answered. Quotes: at most
    :data:`MAX_QUOTES` per theme, only from a theme that is itself published,
    from a site and a language each with at least ``k`` people who answered
    (a quote shows its language), marked quotable by
    the quality manager and passing :func:`quote_is_safe`; the shortest first
    (ties by text), one per person.
    """
    k = check_k(k)
    people = _people(answers)
    total = len(people)
    site_people: dict[str, set[str]] = {}
    language_people: dict[str, set[str]] = {}
    for answer in answers:
        site_people.setdefault(answer.site, set()).add(answer.person)
        language_people.setdefault(answer.language, set()).add(answer.person)
    sites_shown = len(site_people) > 1 and all(len(p) >= k for p in site_people.values())
    figures = []
    for label in validated:
        raised = sum(1 for themes in people.values() if label in themes)
        overall_decision = primary_share(raised, total, k)
        overall = _share_from(overall_decision, raised, total, k)
        by_site: tuple[tuple[str, Share], ...] = ()
        if sites_shown:
            sites = sorted(site_people)
            counts = []
            for site in sites:
                site_raised = {
                    a.person for a in answers if a.site == site and label in a.themes
                } & site_people[site]
                counts.append((len(site_raised), len(site_people[site])))
            by_site = tuple(zip(sites, group_shares(counts, k, overall_decision), strict=True))
        quotes: list[str] = []
        if not overall.suppressed:
            candidates = sorted(
                (
                    a
                    for a in answers
                    if label in a.themes
                    and a.quotable
                    and len(site_people[a.site]) >= k
                    and len(language_people[a.language]) >= k
                    and quote_is_safe(a.text)
                ),
                key=lambda a: (len(a.text.strip()) < 40, len(a.text), a.text),
            )
            seen: set[str] = set()
            for answer in candidates:
                same = answer.text.strip().casefold()
                if answer.person in seen or same in {q.casefold() for q in quotes}:
                    continue
                seen.add(answer.person)
                quotes.append(answer.text.strip())
                if len(quotes) == MAX_QUOTES:
                    break
        figures.append(
            ThemeFigures(
                label,
                overall,
                by_site,
                tuple(quotes),
                _compare(answers, label, "mode", ("self", "assisted"), k, overall_decision),
                _compare(answers, label, "language", ("fr", "en"), k, overall_decision),
            )
        )
    return ThemeSection(k, total, len(answers), sites_shown, tuple(figures))
