"""Measure the XLSForm import on a corpus of real forms.

Usage::

    .venv/bin/python scripts/xlsform_corpus.py [--details] [--table] [--forms] [DIR_OR_FILE ...]
    .venv/bin/python scripts/xlsform_corpus.py --table --pyxform-tests PYXFORM_REPO

``--table`` prints a Markdown table with one row per source (the first folder
under each corpus directory) and a total; ``--forms`` one tab-separated line
per form (path, pyxform's verdict, result, codes).

The second form measures pyxform's own test forms: the workbooks and markdown
files under its tests/ directory and the markdown forms written
in the test modules of a pyxform checkout (a work tree, or a bare git
directory such as the search tool's fetch), extracted to a temporary directory.

Default: the committed corpus ``tests/data/xlsforms``. Reads ``.xlsx``, ``.xls``
and ``.md`` (pyxform's markdown tables: a sheet name in the first column, then
the header row and the data rows with an empty first column).

Each form is converted by pyxform (the reference; test dependency) and imported
by Écoute (``questionnaires.read_xlsform``), then classified:

* ``full``: imported with nothing dropped;
* ``drops``: imported once the listed drops are accepted (``accept_ignored``);
* ``refused``: refused, with the refusal codes;
* ``crash``: any exception other than :class:`questionnaires.DefinitionError`.

Figures are given over the forms pyxform accepts; a refusal of such a form whose
codes are not in :data:`LEGITIMATE_REFUSALS` counts as a *false refusal*. Every
imported form is also exported again: the export must convert with pyxform
without error or warning and read back equal (``export_failures``).
"""

from __future__ import annotations

import argparse
import io
import re
import sys
import warnings
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import questionnaires  # noqa: E402

CORPUS = ROOT / "tests" / "data" / "xlsforms"
SUFFIXES = (".xlsx", ".xls", ".md")

#: Refusals that are right even when pyxform accepts the form: Écoute collects
#: answers in French and English only, and a form must keep at least one question
#: (a refusal naming one of these also lists the drops that led to it).
LEGITIMATE_REFUSALS = frozenset({"no_supported_language", "empty_survey"})


def markdown_workbook(text: str) -> bytes:
    """An ``.xlsx`` built from a pyxform markdown form (our own reading of the layout)."""
    import openpyxl

    workbook = openpyxl.Workbook()
    default = workbook.active
    if default is not None:
        workbook.remove(default)
    sheet = None
    for line in text.splitlines():
        line = line.strip()
        if not line.startswith("|"):
            continue
        cells = [c.strip() for c in line.strip("|").split("|")]
        if cells[0]:
            sheet = workbook.create_sheet(cells[0][:31])
            continue
        if sheet is not None:
            sheet.append([c if c != "" else None for c in cells[1:]])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def form_bytes(path: Path) -> tuple[bytes, str]:
    """The workbook bytes of a corpus file and the file name given to the importer."""
    if path.suffix == ".md":
        return markdown_workbook(path.read_text(encoding="utf-8")), path.stem + ".xlsx"
    return path.read_bytes(), path.name


def pyxform_verdict(data: bytes) -> tuple[bool, list[str]]:
    """(accepted, warnings) of the reference converter."""
    from pyxform.xls2xform import convert

    found: list[str] = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl on styles it does not read
            convert(xlsform=io.BytesIO(data), warnings=found)
    except Exception as error:  # pyxform raises several types on bad forms
        return False, [f"{type(error).__name__}: {error}"]
    return True, found


@dataclass
class Outcome:
    path: Path
    pyxform_ok: bool
    result: str  # full | drops | refused | crash
    codes: list[str] = field(default_factory=list)
    export_problem: str = ""


def import_form(path: Path) -> Outcome:
    data, name = form_bytes(path)
    accepted, _ = pyxform_verdict(data)
    try:
        try:
            result = questionnaires.read_xlsform(data, filename=name)
            kind = "full"
        except questionnaires.DefinitionError:
            result = questionnaires.read_xlsform(data, filename=name, accept_ignored=True)
            kind = "drops"
    except questionnaires.DefinitionError as error:
        return Outcome(path, accepted, "refused", sorted({i.code for i in error.issues}))
    except Exception as error:  # a crash is what this script exists to find
        return Outcome(path, accepted, "crash", [f"{type(error).__name__}: {error}"])
    codes = sorted({i.code for i in result.ignored})
    return Outcome(path, accepted, kind, codes, export_problem(result.questionnaire))


def export_problem(q: questionnaires.Questionnaire) -> str:
    """Empty when the export converts cleanly with pyxform and reads back equal."""
    exported = questionnaires.write_xlsform(q)
    accepted, warnings = pyxform_verdict(exported)
    if not accepted or warnings:
        return "pyxform: " + "; ".join(warnings)[:300]
    try:
        again = questionnaires.read_xlsform(exported, filename=f"{q.key}.xlsx").questionnaire
    except questionnaires.DefinitionError as error:
        return f"re-import refused: {error}"[:300]
    return "" if again == q else "re-import differs"


def corpus_files(paths: list[Path]) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(
                p
                for p in path.rglob("*")
                if p.suffix.lower() in SUFFIXES and p.name not in ("MANIFEST.md", "README.md")
            )
        else:
            found.append(path)
    return found


@dataclass
class Summary:
    outcomes: list[Outcome]

    def accepted(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.pyxform_ok]

    def count(self, kind: str, *, accepted_only: bool = True) -> int:
        pool = self.accepted() if accepted_only else self.outcomes
        return sum(o.result == kind for o in pool)

    def false_refusals(self) -> list[Outcome]:
        return [
            o
            for o in self.accepted()
            if o.result == "refused" and not set(o.codes) & LEGITIMATE_REFUSALS
        ]

    def crashes(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.result == "crash"]

    def export_failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.export_problem]

    def report(self, *, details: bool) -> str:
        n = len(self.accepted())
        lines = [f"{len(self.outcomes)} forms; pyxform accepts {n}."]
        if n:
            for kind in ("full", "drops", "refused", "crash"):
                k = self.count(kind)
                lines.append(f"  {kind:8} {k:4}  {100 * k / n:5.1f} %")
            imported = self.count("full") + self.count("drops")
            lines.append(f"  imported {imported:4}  {100 * imported / n:5.1f} %")
        lines.append(f"false refusals: {len(self.false_refusals())}")
        lines.append(f"crashes: {len(self.crashes())}")
        lines.append(
            f"exports refused by pyxform or not read back equal: {len(self.export_failures())}"
        )
        refusals = Counter(c for o in self.accepted() if o.result == "refused" for c in o.codes)
        drops = Counter(c for o in self.accepted() if o.result == "drops" for c in o.codes)
        lines.append(
            "refusal reasons (forms): " + ", ".join(f"{c} {k}" for c, k in refusals.most_common())
        )
        lines.append(
            "drop reasons (forms): " + ", ".join(f"{c} {k}" for c, k in drops.most_common())
        )
        rejected = [o for o in self.outcomes if not o.pyxform_ok]
        if rejected:
            lines.append(
                f"pyxform rejects {len(rejected)}; Écoute imports "
                f"{sum(o.result in ('full', 'drops') for o in rejected)} of them"
            )
        if details:
            for o in self.false_refusals() + self.crashes() + self.export_failures():
                lines.append(f"  {o.path}: {o.result} {o.codes} {o.export_problem}")
        return "\n".join(lines)


def source_of(path: Path, roots: list[Path]) -> str:
    """The source a form belongs to: its first folder under the corpus root."""
    for root in roots:
        if root.is_dir() and path.is_relative_to(root):
            parts = path.relative_to(root).parts
            return parts[0] if len(parts) > 1 else root.name
    return path.parent.name


def table(summary: Summary, roots: list[Path]) -> str:
    """A Markdown table, one row per source and a total: the forms pyxform
    accepts, how they import, and what went wrong."""
    groups: dict[str, list[Outcome]] = {}
    for outcome in summary.outcomes:
        groups.setdefault(source_of(outcome.path, roots), []).append(outcome)
    lines = [
        "| source | forms | pyxform accepts | imported fully | with listed drops | "
        "refused (reasons) | imported | false refusals, crashes, bad exports |",
        "|---|---|---|---|---|---|---|---|",
    ]
    rows = [(name, Summary(outcomes)) for name, outcomes in sorted(groups.items())]
    if len(rows) > 1:
        rows.append(("**total**", summary))
    for name, part in rows:
        n = len(part.accepted())

        def share(k: int, n: int = n) -> str:
            return f"{k} ({100 * k / n:.1f} %)" if n else str(k)

        reasons = Counter(
            c
            for o in part.accepted()
            if o.result == "refused"
            for c in (set(o.codes) & LEGITIMATE_REFUSALS or set(o.codes))
        )
        refused = share(part.count("refused"))
        if reasons:
            refused += ": " + ", ".join(f"{c} {k}" for c, k in reasons.most_common())
        lines.append(
            f"| {name} | {len(part.outcomes)} | {n} | {share(part.count('full'))} | "
            f"{share(part.count('drops'))} | {refused} | "
            f"{share(part.count('full') + part.count('drops'))} | "
            f"{len(part.false_refusals())}, {len(part.crashes())}, "
            f"{len(part.export_failures())} |"
        )
    return "\n".join(lines)


def forms_table(summary: Summary) -> str:
    """One tab-separated line per form: path, pyxform's verdict, result, codes."""
    lines = ["path\tpyxform\tresult\tcodes\texport_problem"]
    for o in summary.outcomes:
        verdict = "accepts" if o.pyxform_ok else "rejects"
        lines.append(f"{o.path}\t{verdict}\t{o.result}\t{' '.join(o.codes)}\t{o.export_problem}")
    return "\n".join(lines)


def measure(paths: list[Path]) -> Summary:
    return Summary([import_form(p) for p in corpus_files(paths)])


def extract_pyxform_markdown(repo: Path, out: Path) -> int:
    """Write every form of pyxform's tests to ``out``: the workbooks and
    markdown files stored under ``tests/`` (``example_xls``, ``bug_example_xls``…)
    and each markdown form written in a test module (one ``.md`` per form;
    forms built with ``str.format`` placeholders are skipped). Returns the
    number of forms."""
    import ast
    import subprocess
    import textwrap

    def sources() -> list[tuple[str, str]]:
        if (repo / "tests").is_dir():
            return [
                (str(p.relative_to(repo)), p.read_text(encoding="utf-8"))
                for p in sorted((repo / "tests").rglob("*.py"))
            ]
        git = ["git", "-C", str(repo)]
        names = subprocess.run(  # noqa: S603 - fixed git arguments, a local path
            [*git, "ls-tree", "-r", "--name-only", "HEAD", "tests"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        return [
            (
                name,
                subprocess.run(  # noqa: S603
                    [*git, "show", f"HEAD:{name}"], capture_output=True, text=True, check=True
                ).stdout,
            )
            for name in names
            if name.endswith(".py")
        ]

    def form_files() -> list[tuple[str, bytes]]:
        """The workbooks and markdown forms stored as files under tests/."""
        if (repo / "tests").is_dir():
            return [
                (str(p.relative_to(repo)), p.read_bytes())
                for p in sorted((repo / "tests").rglob("*"))
                if p.suffix.lower() in SUFFIXES
            ]
        git = ["git", "-C", str(repo)]
        names = subprocess.run(  # noqa: S603 - fixed git arguments, a local path
            [*git, "ls-tree", "-r", "--name-only", "HEAD", "tests"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        return [
            (
                name,
                subprocess.run(  # noqa: S603
                    [*git, "show", f"HEAD:{name}"], capture_output=True, check=True
                ).stdout,
            )
            for name in names
            if PurePosixPath(name).suffix.lower() in SUFFIXES
        ]

    out.mkdir(parents=True, exist_ok=True)
    count = 0
    for name, data in form_files():
        stem = name.removeprefix("tests/").replace("/", "__")
        (out / stem).write_bytes(data)
        count += 1
    for name, text in sources():
        try:
            tree = ast.parse(text)
        except SyntaxError:
            continue
        seen: set[str] = set()
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
                continue
            form = textwrap.dedent(node.value).strip()
            if not form.startswith("|") or "survey" not in form.split("\n", 3)[0] + form:
                continue
            if re.search(r"(?<!\$)\{[A-Za-z_0-9]*\}", form) or form in seen:
                continue
            seen.add(form)
            stem = name.removeprefix("tests/").removesuffix(".py").replace("/", "__")
            (out / f"{stem}__L{node.lineno}.md").write_text(form + "\n", encoding="utf-8")
            count += 1
    return count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", type=Path, default=[CORPUS])
    parser.add_argument("--details", action="store_true", help="list every failing form")
    parser.add_argument(
        "--table", action="store_true", help="print a Markdown table per source (README)"
    )
    parser.add_argument(
        "--forms", action="store_true", help="print one tab-separated line per form"
    )
    parser.add_argument(
        "--pyxform-tests",
        type=Path,
        default=None,
        help="measure the test forms of a pyxform checkout",
    )
    args = parser.parse_args(argv)
    paths = args.paths
    if args.pyxform_tests is not None:
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            forms = Path(tmp) / "pyxform-tests"  # the table's source name
            print(f"{extract_pyxform_markdown(args.pyxform_tests, forms)} test forms")
            summary = measure([forms])
            show(summary, [forms], args)
        return 1 if summary.crashes() or summary.false_refusals() else 0
    summary = measure(paths)
    show(summary, paths, args)
    return 1 if summary.crashes() or summary.false_refusals() else 0


def show(summary: Summary, roots: list[Path], args: argparse.Namespace) -> None:
    print(summary.report(details=args.details))
    if args.table:
        print()
        print(table(summary, roots))
    if args.forms:
        print()
        print(forms_table(summary))


if __name__ == "__main__":
    raise SystemExit(main())
