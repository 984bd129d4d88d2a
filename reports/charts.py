"""Charts as deterministic, text-preserving SVG.

Only ``matplotlib.figure.Figure`` is used (never ``pyplot``: no global figure
manager in a server). The three SVG settings that make a chart reproducible
and readable are applied inside :func:`matplotlib.rc_context` held under a
lock, so concurrent report threads do not see each other's settings:

* ``svg.fonttype = 'none'``: text stays text (searchable, extractable);
* ``svg.hashsalt`` fixed: element ids are the same from run to run;
* ``metadata={'Date': None}``: no timestamp in the file.

Each function returns the SVG markup for inline use, with a ``<title>`` (the
text alternative WeasyPrint reads) and ids prefixed by the chart's name, so
several charts can share one HTML document.
"""

from __future__ import annotations

import functools
import io
import re
import textwrap
import threading
from collections.abc import Sequence
from html import escape, unescape
from typing import TYPE_CHECKING, Any

from reports.formatting import percent_number

if TYPE_CHECKING:  # matplotlib is imported where a chart is drawn: `import reports` stays light
    from matplotlib.figure import Figure

__all__ = [
    "colours_for_codes",
    "distribution_chart",
    "gains_chart",
    "labels_anchored_at_start",
    "render_svg",
    "trend_chart",
]

_SVG_SETTINGS = {
    "svg.fonttype": "none",
    "svg.hashsalt": "ecoute-report",
    "font.family": "Liberation Sans",
    "font.size": 8.5,
    "axes.spines.top": False,
    "axes.spines.right": False,
}
_LOCK = threading.Lock()

# Colour-blind-safe diverging palette: ColorBrewer RdBu (5 classes) with a mid grey
# in the middle instead of a pale yellow: dark, mid, light, mid, dark, so neighbouring
# answers stay apart in greyscale.
DIVERGING = ("#b2182b", "#ef8a62", "#d9d9d9", "#67a9cf", "#2166ac")
# Net Promoter bands: detractors (0–6), passives (7–8), promoters (9–10).
NPS_COLOURS = {"detractors": "#b2182b", "passives": "#d9d9d9", "promoters": "#2166ac"}
DIVERGING_11 = (
    "#a50026",
    "#d73027",
    "#f46d43",
    "#fdae61",
    "#fee090",
    "#ffffbf",
    "#e0f3f8",
    "#abd9e9",
    "#74add1",
    "#4575b4",
    "#313695",
)
NEUTRAL = "#8c8c8c"
HIDDEN, HIDDEN_EDGE = "#f3f2f1", "#6f777b"
IMPROVED, UNCHANGED, WORSE = "#2166ac", "#d9d9d9", "#d6604d"
LINE = "#1d4f91"

_ID = re.compile(r'\bid="([^"]+)"')


def render_svg(figure: Figure, name: str, title: str) -> str:
    """Serialise ``figure`` to inline SVG with a ``<title>`` and unique ids."""
    import matplotlib

    buffer = io.StringIO()
    with _LOCK, matplotlib.rc_context(_SVG_SETTINGS):
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]  # drop the XML declaration and DOCTYPE
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.DOTALL)
    svg = _lighten(svg)
    for identifier in sorted(set(_ID.findall(svg)), key=len, reverse=True):
        svg = svg.replace(f'id="{identifier}"', f'id="{name}-{identifier}"')
        svg = svg.replace(f"#{identifier})", f"#{name}-{identifier})")
        svg = svg.replace(f'"#{identifier}"', f'"#{name}-{identifier}"')
    svg = re.sub(
        r"<svg ([^>]*)>",
        lambda match: (
            f'<svg {match.group(1)} role="img" class="chart"><title>{escape(title)}</title>'
        ),
        svg,
        count=1,
    )
    return svg


def _lighten(svg: str) -> str:
    """The same drawing with fewer and simpler nodes for WeasyPrint's SVG renderer.

    WeasyPrint draws an SVG node by node, cascading styles and parsing every
    ``style`` attribute with a CSS parser; the charts' nodes were half of the
    time spent writing the PDF. Each step below keeps the picture identical.
    """
    svg = _unwrap_plain_groups(svg)
    svg = _inline_marker_uses(svg)
    svg = _NULL_ROTATION.sub("", svg)
    svg = _root_style_as_attributes(svg)
    return _STYLE_ATTRIBUTE.sub(_style_as_attributes, svg)


def labels_anchored_at_start(svg: str) -> str:
    """The chart with its centred and right-aligned labels placed by their start (for the PDF).

    Only for WeasyPrint, whose font is known: a browser may draw the labels
    with another font, of other widths, and centres them well by itself.
    """
    return _TEXT.sub(_anchor_at_start, svg)


_TEXT = re.compile(r'<text ([^>]*) text-anchor="(middle|end)"([^>]*)>([^<]*)</text>')
_X = re.compile(r'\bx="([-0-9.e]+)"')


def _anchor_at_start(match: re.Match[str]) -> str:
    """A centred or right-aligned label moved to where it starts, its anchor dropped.

    WeasyPrint draws every ``text-anchor: middle`` or ``end`` label into a PDF
    form of its own, measures it, then draws the form shifted: 170 extra PDF
    objects for the demo report's charts, a sixth of the time spent writing it.
    The label's width is what WeasyPrint would measure: the sum of its
    characters' advances in the chart font (it lays out SVG text one
    character at a time, without kerning). A label with a character the font
    lacks (drawn with a fallback font) keeps its anchor.
    """
    before, anchor, after, content = match.groups()
    attributes = before + after
    size = re.search(r'\bfont-size="([0-9.]+)px"', attributes)
    x = _X.search(attributes)
    plain = f"font-family=\"'{_SVG_SETTINGS['font.family']}'\"" in attributes and not re.search(
        r"\b(font-weight|font-style|letter-spacing|textLength|dx)=", attributes
    )
    if not (size and x and plain):
        return match.group(0)
    width = _advance_width(unescape(content), float(size.group(1)))
    if width is None:
        return match.group(0)
    start = float(x.group(1)) - (width / 2 if anchor == "middle" else width)
    moved = _X.sub(f'x="{start:.6f}"', attributes, count=1)
    return f"<text {moved}>{content}</text>"


@functools.cache
def _advances() -> tuple[dict[int, int], int]:
    """Advance widths by code point of the charts' font, in font units, and its units per em.

    Empty when the font is not installed (matplotlib then falls back on
    another one, and the width WeasyPrint measures is unknown).
    """
    from fontTools.ttLib import TTFont
    from matplotlib import font_manager

    family = _SVG_SETTINGS["font.family"]
    path = font_manager.findfont(font_manager.FontProperties(family=family))
    with TTFont(path, lazy=True) as font:
        if font["name"].getBestFamilyName() != family:
            return {}, 1
        metrics = font["hmtx"].metrics
        units = font["head"].unitsPerEm
        advances = {code: metrics[name][0] for code, name in font.getBestCmap().items()}
    return advances, units


def _advance_width(content: str, font_size: float) -> float | None:
    advances, units = _advances()
    if not all(ord(character) in advances for character in content):
        return None
    return sum(advances[ord(character)] for character in content) * font_size / units


# matplotlib writes `transform="rotate(-0 x y)"` on every unrotated label.
_NULL_ROTATION = re.compile(r' transform="rotate\(-?0 [-0-9.e]+ [-0-9.e]+\)"')
_STYLE_ATTRIBUTE = re.compile(r' style="([^"]*)"')
_ROOT_STYLE = re.compile(
    r"\s*<defs>\s*<style type=\"text/css\">\*\{([^}]*)\}</style>\s*</defs>", re.DOTALL
)


def _declarations(style: str) -> dict[str, str]:
    pairs = (item.split(":", 1) for item in style.split(";") if ":" in item)
    return {name.strip(): value.strip() for name, value in pairs}


def _style_declarations(attribute: str | None) -> dict[str, str]:
    """The declarations of a ``style="…"`` attribute as written (or none)."""
    match = _STYLE_ATTRIBUTE.match(attribute or "")
    return _declarations(unescape(match.group(1))) if match else {}


def _attributes(declarations: dict[str, str]) -> str:
    return "".join(
        f' {name}="{value.replace("&", "&amp;").replace(chr(34), "&quot;").replace("<", "&lt;")}"'
        for name, value in declarations.items()
    )


def _style_as_attributes(match: re.Match[str]) -> str:
    """``style="fill: #fff; stroke: none"`` → ``fill="#fff" stroke="none"``.

    Presentation attributes are read as they are; a ``style`` attribute goes
    through tinycss2 on every node. matplotlib's styles hold plain values only
    (no ``!important``, no selectors), so the two mean the same.
    """
    return _attributes(_declarations(unescape(match.group(1))))


def _root_style_as_attributes(svg: str) -> str:
    """matplotlib's ``<style>*{stroke-linejoin: round; …}</style>`` as attributes of ``<svg>``.

    A universal selector is matched against every node; attributes on the root
    are inherited by every node instead, and a node's own value still wins.
    """
    match = _ROOT_STYLE.search(svg)
    if match is None:
        return svg
    svg = svg[: match.start()] + svg[match.end() :]
    attributes = _attributes(_declarations(match.group(1)))
    return re.sub(r"<svg ([^>]*)>", lambda root: f"<svg {root.group(1)}{attributes}>", svg, count=1)


_PATH_DEF = re.compile(
    r'\s*<defs>\s*<path id="([^"]+)" d="([^"]*)"( style="[^"]*")?/>\s*</defs>', re.DOTALL
)
_USE = re.compile(r'<use xlink:href="#([^"]+)" x="([-0-9.e]+)" y="([-0-9.e]+)"( style="[^"]*")?/>')
_NUMBER = re.compile(r"-?[0-9.]+(?:e-?[0-9]+)?")
_NUMBER_SPLIT = re.compile(r"(-?[0-9.]+(?:e-?[0-9]+)?)")


def _inline_marker_uses(svg: str) -> str:
    """Tick marks and line markers drawn as paths of their own, not ``<use>`` of a definition.

    matplotlib defines a tick or a marker once and places it with ``<use x y>``.
    WeasyPrint copies and cascades the definition again for each ``<use>``;
    a path already at its place is one node. The definition's own style wins
    over the ``<use>``'s, as in SVG.
    """
    definitions: dict[str, tuple[str, dict[str, str]]] = {}

    def collect(match: re.Match[str]) -> str:
        identifier, path, style = match.groups()
        definitions[identifier] = (path, _style_declarations(style))
        return ""

    svg = _PATH_DEF.sub(collect, svg)

    def place(match: re.Match[str]) -> str:
        identifier, x, y, use_style = match.groups()
        if identifier not in definitions:
            return match.group(0)
        path, own_style = definitions[identifier]
        declarations = {**_style_declarations(use_style), **own_style}
        return f'<path d="{_translate(path, float(x), float(y))}"{_attributes(declarations)}/>'

    svg = _USE.sub(place, svg)
    leftover = [identifier for identifier in definitions if f"#{identifier}" in svg]
    if leftover:
        raise ValueError(f"chart still refers to inlined definitions {leftover}")
    return svg


def _translate(path: str, dx: float, dy: float) -> str:
    """Move a path of absolute commands (matplotlib writes M, L, C, Q, z) by (dx, dy).

    Every command of those takes x y pairs, so the numbers alternate x, y.
    """
    out: list[str] = []
    is_x = True
    for piece in _NUMBER_SPLIT.split(path):
        if _NUMBER.fullmatch(piece):
            value = float(piece) + (dx if is_x else dy)
            out.append(f"{value:.6f}".rstrip("0").rstrip("."))
            is_x = not is_x
        else:
            out.append(" ".join(piece.split()) or " ")
    return "".join(out).strip()


_GROUP_TAG = re.compile(r'\s*<g id="[^"]*">|\s*<g>|<g\b[^>]*>|\s*</g>')


def _unwrap_plain_groups(svg: str) -> str:
    """Drop the ``<g id="…">`` wrappers matplotlib puts around every artist.

    A group with nothing but an id draws nothing of its own (no transform,
    clip or style), yet WeasyPrint's SVG renderer cascades styles and keeps
    state for each node: they were half of the charts' nodes, and drawing the
    charts a sixth of the PDF's paint time. Groups with other attributes stay;
    nothing refers to the dropped ids (references point into ``<defs>``).
    """
    out: list[str] = []
    plain: list[bool] = []
    position = 0
    for match in _GROUP_TAG.finditer(svg):
        tag = match.group(0)
        out.append(svg[position : match.start()])
        position = match.end()
        if tag.lstrip().startswith("</g"):
            if not plain.pop():
                out.append(tag)
        else:
            is_plain = tag.lstrip().startswith(('<g id="', "<g>"))
            plain.append(is_plain)
            if not is_plain:
                out.append(tag)
    out.append(svg[position:])
    return "".join(out)


# Fixed margins rather than constrained layout: a third of the chart time, and
# the same geometry for every chart of a kind.
_WIDTH_IN = 17 / 2.54
_TOP_IN = 0.12
_BOTTOM_LEGEND_IN = 0.95


def _fixed_margins(
    figure: Figure, height_in: float, *, left: float, right: float, bottom_in: float
) -> None:
    figure.subplots_adjust(
        left=left, right=right, bottom=bottom_in / height_in, top=1 - _TOP_IN / height_in
    )


def _wrap(label: str, width: int = 38) -> str:
    return "\n".join(textwrap.wrap(label, width)) or label


def distribution_chart(
    name: str,
    title: str,
    rows: Sequence[tuple[str, Sequence[float | None]]],
    segment_labels: Sequence[str],
    legend_title: str,
    colours: Sequence[str] | None = None,
    suppressed_label: str = "suppressed",
) -> str:
    """Horizontal 100 % stacked bars: one bar per question, one segment per answer.

    Suppressed shares (``None``) are drawn together as one hatched grey block
    where they are -- at the place of the first hidden answer, the others
    following it -- without a number: it shows only their sum, which the
    table's other figures already give away, never a single share. (The
    analysis withholds neighbouring answers together, so the block covers
    exactly the hidden answers.)
    """
    import matplotlib
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    with _LOCK, matplotlib.rc_context(_SVG_SETTINGS):
        bars_in = 0.36 * len(rows)
        height_in = bars_in + _BOTTOM_LEGEND_IN + _TOP_IN
        figure = Figure(figsize=(_WIDTH_IN, height_in))
        _fixed_margins(figure, height_in, left=0.34, right=0.98, bottom_in=_BOTTOM_LEGEND_IN)
        axes = figure.add_subplot()
        colours = colours or _palette(len(segment_labels))
        any_hidden = False
        for row_index, (_label, shares) in enumerate(rows):
            _stacked_bar(axes, row_index, shares, colours, height=0.7, hatch_hidden=True)
            shown = sum(share for share in shares if share is not None)
            any_hidden = any_hidden or (None in shares and shown < 0.995)
        axes.set_yticks(range(len(rows)), [_wrap(label) for label, _shares in rows])
        axes.invert_yaxis()
        axes.set_xlim(0, 100)
        axes.set_xlabel("%")
        handles = [
            Patch(color=colours[i], label=segment_labels[i]) for i in range(len(segment_labels))
        ]
        if any_hidden:
            handles.append(
                Patch(facecolor=HIDDEN, edgecolor=HIDDEN_EDGE, hatch="///", label=suppressed_label)
            )
        figure.legend(
            handles=handles,
            loc="lower center",
            bbox_to_anchor=(0.5, 0.0),
            ncols=min(6, len(handles)),
            fontsize=7,
            frameon=False,
            title=legend_title,
            title_fontsize=7,
        )
    return render_svg(figure, name, title)


def colours_for_codes(codes: Sequence[str]) -> list[str]:
    """Agreement 1–5 and ratings 0–10 on a diverging scale, yes/no in blue/red,
    "prefer not to say" grey, Net Promoter bands in three colours."""
    numeric = sorted((code for code in codes if code.isdigit()), key=int)
    scale = DIVERGING if len(numeric) <= 5 else DIVERGING_11
    fixed = {code: scale[i] for i, code in enumerate(numeric)}
    fixed.update({"yes": DIVERGING[4], "no": DIVERGING[0], "_pna": NEUTRAL, **NPS_COLOURS})
    others = iter(_palette(len(codes)))
    if not set(codes) - {"_pna"} <= set(fixed):
        return [NEUTRAL if code == "_pna" else next(others) for code in codes]
    return [fixed[code] for code in codes]


def _palette(count: int) -> tuple[str, ...]:
    base = ("#1d4f91", "#5694ca", "#f47738", "#85994b", "#912b88", "#b58840", "#505a5f")
    return tuple(base[i % len(base)] for i in range(count))


def _text_colour(background: str) -> str:
    """Black or white, whichever reads better on ``background`` (WCAG luminance)."""
    red, green, blue = (int(background[i : i + 2], 16) / 255 for i in (1, 3, 5))
    luminance = 0.2126 * red + 0.7152 * green + 0.0722 * blue
    return "black" if luminance > 0.45 else "white"


def trend_chart(
    name: str,
    title: str,
    periods: Sequence[str],
    shares: Sequence[float | None],
    lows: Sequence[float | None],
    highs: Sequence[float | None],
    lower_limits: Sequence[float | None],
    upper_limits: Sequence[float | None],
    centre: float | None,
    out_of_control: Sequence[bool | None],
    labels: dict[str, str],
) -> str:
    """Share positive per period: line, interval band, p-chart limits, flagged points."""
    import matplotlib
    from matplotlib.figure import Figure

    positions = list(range(len(periods)))

    def percent(values: Sequence[float | None]) -> list[float]:
        return [float("nan") if v is None else v * 100 for v in values]

    with _LOCK, matplotlib.rc_context(_SVG_SETTINGS):
        height_in = 7 / 2.54
        figure = Figure(figsize=(_WIDTH_IN, height_in))
        _fixed_margins(figure, height_in, left=0.07, right=0.78, bottom_in=0.6)
        axes = figure.add_subplot()
        axes.fill_between(
            positions,
            percent(lows),
            percent(highs),
            color="#c6dbef",
            label=labels["band"],
            step=None,
            linewidth=0,
        )
        axes.plot(
            positions,
            percent(lower_limits),
            linestyle=":",
            color="#505a5f",
            drawstyle="steps-mid",
            label=labels["limits"],
        )
        axes.plot(
            positions, percent(upper_limits), linestyle=":", color="#505a5f", drawstyle="steps-mid"
        )
        if centre is not None:
            axes.axhline(centre * 100, color="#505a5f", linewidth=0.8, label=labels["centre"])
        axes.plot(
            positions,
            percent(shares),
            marker="o",
            color=LINE,
            markersize=3.5,
            label=labels["share"],
        )
        flagged = [i for i, flag in enumerate(out_of_control) if flag and shares[i] is not None]
        if flagged:
            axes.plot(
                flagged,
                [shares[i] * 100 for i in flagged],
                linestyle="none",
                marker="D",
                markersize=6,
                markerfacecolor="none",
                markeredgecolor="#d4351c",
                label=labels["flag"],
            )
        axes.set_ylim(0, 100)
        axes.set_ylabel("%")
        step = max(1, len(periods) // 12)
        axes.set_xticks(
            positions[::step], list(periods)[::step], rotation=45, ha="right", fontsize=7
        )
        figure.legend(
            fontsize=7, frameon=False, loc="center left", bbox_to_anchor=(0.79, 0.55), ncols=1
        )
    return render_svg(figure, name, title)


def gains_chart(
    name: str,
    title: str,
    rows: Sequence[tuple[str, float | None, float | None, float | None]],
    labels: Sequence[str],
    suppressed_label: str = "suppressed",
) -> str:
    """Paired change: share better / same / worse, one bar per target (hidden shares hatched)."""
    import matplotlib
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    with _LOCK, matplotlib.rc_context(_SVG_SETTINGS):
        height_in = 0.34 * len(rows) + 0.75 + _TOP_IN
        figure = Figure(figsize=(_WIDTH_IN, height_in))
        _fixed_margins(figure, height_in, left=0.30, right=0.98, bottom_in=0.75)
        axes = figure.add_subplot()
        colours = (IMPROVED, UNCHANGED, WORSE)
        any_hidden = False
        for row_index, (_label, *shares) in enumerate(rows):
            _stacked_bar(axes, row_index, shares, colours, height=0.65, hatch_hidden=True)
            any_hidden = any_hidden or None in shares
        axes.set_yticks(range(len(rows)), [_wrap(row[0], 30) for row in rows])
        axes.invert_yaxis()
        axes.set_xlim(0, 100)
        axes.set_xlabel("%")
        handles = [Patch(color=c, label=t) for c, t in zip(colours, labels, strict=True)]
        if any_hidden:
            handles.append(
                Patch(facecolor=HIDDEN, edgecolor=HIDDEN_EDGE, hatch="///", label=suppressed_label)
            )
        figure.legend(
            handles=handles,
            loc="lower center",
            bbox_to_anchor=(0.5, 0.0),
            ncols=len(handles),
            fontsize=7,
            frameon=False,
        )
    return render_svg(figure, name, title)


def _stacked_bar(
    axes: Any,
    row_index: int,
    shares: Sequence[float | None],
    colours: Sequence[str],
    *,
    height: float,
    hatch_hidden: bool = False,
) -> float:
    """Draw one 100 % bar of shares (hidden ones left out); return where it ends, in %.

    Shares of 8 % or more carry their number; smaller segments would not fit it.
    With ``hatch_hidden`` the hidden shares' sum is drawn as one hatched block at
    the place of the first hidden share (issue 11: where the hidden answers are).
    """
    left = 0.0
    hidden_width = 100 - 100 * sum(share for share in shares if share is not None)
    for segment, share in enumerate(shares):
        if share is None:
            if hatch_hidden and hidden_width > 0.5:
                axes.barh(
                    row_index,
                    hidden_width,
                    left=left,
                    color=HIDDEN,
                    hatch="///",
                    edgecolor=HIDDEN_EDGE,
                    linewidth=0.3,
                    height=height,
                )
                left += hidden_width
                hidden_width = 0.0
            continue
        axes.barh(
            row_index,
            share * 100,
            left=left,
            color=colours[segment],
            edgecolor="white",
            linewidth=0.5,
            height=height,
        )
        if share >= 0.08:
            axes.text(
                left + share * 50,
                row_index,
                percent_number(share),
                ha="center",
                va="center",
                fontsize=7,
                color=_text_colour(colours[segment]),
            )
        left += share * 100
    return left
