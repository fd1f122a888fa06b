"""Chart SVG without the bytes nobody sees or hears, so a report with eight charts stays small.

vl-convert writes every attribute on every element: the font on each of hundreds of labels,
the stroke on each tick, coordinates to 15 digits, and empty background and foreground
paths around every axis and legend. `lean_svg` writes the same drawing once more compactly:

- the chart's font once on the ``<svg>`` element (text inherits it);
- attributes every label or tick of a guide shares (colour, size, anchor) once on their
  group, as SVG inheritance draws them the same way; data marks keep theirs;
- coordinates to 1/10 px; a rectangle keeps its corners on the rounded grid, so
  neighbouring heatmap cells still touch; a line along one axis written as such ("H", "V":
  step curves are all such lines);
- colours written ``rgb(r, g, b)`` as the same ``#rrggbb``;
- empty, hidden guide paths and attributes equal to SVG's defaults left out.

Roles, names, descriptions and hover texts (``<title>``) are not touched.

Examples
--------
>>> svg = ('<svg class="marks"><g class="mark-text role-axis-label"><text text-anchor="end" '
...        'font-family="Arial" fill="#000">1</text><text text-anchor="end" '
...        'font-family="Arial" fill="#000">2</text></g></svg>')
>>> print(lean_svg(svg))  # doctest: +NORMALIZE_WHITESPACE
<svg class="marks" font-family="Arial"><g class="mark-text role-axis-label" fill="#000"
text-anchor="end"><text>1</text><text>2</text></g></svg>
"""

from __future__ import annotations

import re
from collections import Counter

_ATTRIBUTE = re.compile(r'\s([\w:-]+)="([^"]*)"')
_ATTRS = r'(?:\s+[\w:-]+="[^"]*")*'
_SVG_OPEN = re.compile(rf"<svg\b{_ATTRS}\s*>")
_TEXT_FONT = re.compile(r'(<text\b[^<>]*?)\sfont-family="([^"]*)"')
_FONT_ON_GROUP = re.compile(r'<g\b[^<>]*\sfont-family="')
# A group of a guide's labels or lines: only <text> (with <tspan> lines) or <line> children.
_CHILD = rf"<line{_ATTRS}\s*/>|<text{_ATTRS}>(?:[^<]|<tspan{_ATTRS}>[^<]*</tspan>)*</text>"
_SIMPLE_GROUP = re.compile(rf"<g(?P<attrs>{_ATTRS})>(?P<children>(?:{_CHILD})+)</g>")
_CHILD_OPEN = re.compile(rf"<(?:line|text)(?P<attrs>{_ATTRS})(?P<end>\s*/?>)")
# Presentation attributes that children inherit from their group (SVG 1.1, "Inherited: yes").
_INHERITED = (
    "fill",
    "fill-opacity",
    "stroke",
    "stroke-width",
    "stroke-opacity",
    "stroke-dasharray",
    "stroke-linecap",
    "stroke-linejoin",
    "font-size",
    "font-style",
    "font-weight",
    "text-anchor",
)
# Vega's empty, hidden paths around each axis, legend and title group: they draw nothing.
_EMPTY_GUIDE_PATH = re.compile(
    r'<path class="(?:background|foreground)" aria-hidden="true" d="(?:M0,0h0v0h0Z)?"'
    r'(?: pointer-events="none")?(?: display="none")?/>'
)
# Attributes equal to SVG's defaults (not inherited, so leaving them out changes nothing);
# a line's ends default to 0 (a gradient's do not).
_DEFAULT_VALUE = re.compile(r'\s(?:opacity="1"|transform="translate\(0,0\)")(?=[\s/>])')
_LINE_DEFAULT = re.compile(r'\s(?:x1|y1|x2|y2)="0"(?=[\s/>])')
_OPENING_TAG = re.compile(rf"<[a-zA-Z][\w:-]*{_ATTRS}\s*/?>")
_GEOMETRY = re.compile(r'\s(d|transform|points|x|y|x1|y1|x2|y2|dx|dy|width|height)="([^"]*)"')
_DECIMAL = re.compile(r"-?(?:\d*\.\d+(?:e[-+]?\d+)?|\d+e[-+]?\d+)")
_NUMBER = r"(-?[\d.]+(?:e[-+]?\d+)?)"
_RECT_PATH = re.compile(rf"M{_NUMBER},{_NUMBER}h{_NUMBER}v{_NUMBER}h{_NUMBER}Z")
_RELATIVE = re.compile(r"[a-df-z]")
# Path data of only absolute moves and lines, as vega writes lines, areas and steps.
_MOVES_AND_LINES = re.compile(r"(?:[ML]-?[\d.]+,-?[\d.]+)+Z?")
_POINT = re.compile(r"([ML])(-?[\d.]+),(-?[\d.]+)")
# A colour attribute as vega writes it, "rgb(10, 74, 144)": "#0a4a90" is the same colour in
# half the bytes (a heatmap has one per cell). Only attribute values: text stays text.
_RGB_COLOUR = re.compile(
    r'\s(?P<name>fill|stroke|stop-color)="rgb\((?P<r>\d{1,3}),\s*(?P<g>\d{1,3}),\s*(?P<b>\d{1,3})\)"'
)


def tenth(value: float) -> str:
    """A coordinate to 1/10 px, without trailing zeros.

    Examples
    --------
    >>> tenth(22.857142857142854), tenth(3.11e-14), tenth(-0.04), tenth(12.0)
    ('22.9', '0', '0', '12')
    """
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _round_numbers(text: str) -> str:
    return _DECIMAL.sub(lambda number: tenth(float(number.group(0))), text)


def _rounded_path(path: str) -> str:
    """Path data to 1/10 px. A rectangle (vega's rect: "M x,y h w v h h -w Z") is rounded at
    its corners, so two cells that share an edge still share it; other paths are rounded
    only when all their commands are absolute (relative steps would add up their errors)."""
    rect = _RECT_PATH.fullmatch(path)
    if rect:
        x, y, width, height, back = (float(part) for part in rect.groups())
        if back == -width:
            left, top = float(tenth(x)), float(tenth(y))
            right, bottom = float(tenth(x + width)), float(tenth(y + height))
            return (
                f"M{tenth(left)},{tenth(top)}h{tenth(right - left)}"
                f"v{tenth(bottom - top)}h{tenth(left - right)}Z"
            )
    return path if _RELATIVE.search(path) else _round_numbers(path)


def _straight_lines(path: str) -> str:
    """`path` with each line that keeps x or y written as a vertical or horizontal one.

    A step curve (survival, incidence) is all "L" pairs of which one coordinate repeats:
    "L2.3,280L2.3,278.8" is "L2.3,280V278.8", the same line. Other paths stay as they are.
    """
    if not _MOVES_AND_LINES.fullmatch(path):
        return path
    parts, x, y = [], None, None
    for command, new_x, new_y in _POINT.findall(path):
        if command == "L" and new_x == x:
            parts.append(f"V{new_y}")
        elif command == "L" and new_y == y:
            parts.append(f"H{new_x}")
        else:
            parts.append(f"{command}{new_x},{new_y}")
        x, y = new_x, new_y
    return "".join(parts) + ("Z" if path.endswith("Z") else "")


def _hexadecimal(colour: re.Match[str]) -> str:
    red, green, blue = (min(int(colour.group(part)), 255) for part in "rgb")
    return f' {colour.group("name")}="#{red:02x}{green:02x}{blue:02x}"'


def _lean_tag(tag: re.Match[str]) -> str:
    def rounded(attribute: re.Match[str]) -> str:
        name, value = attribute.groups()
        value = _straight_lines(_rounded_path(value)) if name == "d" else _round_numbers(value)
        return f' {name}="{value}"'

    lean = _RGB_COLOUR.sub(_hexadecimal, _GEOMETRY.sub(rounded, tag.group(0)))
    lean = _DEFAULT_VALUE.sub("", lean)
    return _LINE_DEFAULT.sub("", lean) if re.match(r"<line\b", lean) else lean


def _font_once(svg: str) -> str:
    """The most used font of the labels, written on the ``<svg>`` element instead."""
    fonts = Counter(font for _, font in _TEXT_FONT.findall(svg))
    opening = _SVG_OPEN.search(svg)
    if not fonts or opening is None or _FONT_ON_GROUP.search(svg):
        return svg
    font = fonts.most_common(1)[0][0]
    body = _TEXT_FONT.sub(
        lambda found: found.group(1) if found.group(2) == font else found.group(0),
        svg[opening.end() :],
    )
    root = f'{opening.group(0)[:-1]} font-family="{font}">'
    return svg[: opening.start()] + root + body


def _shared_once(group: re.Match[str]) -> str:
    """A guide group whose children all carry the same inherited attribute, with it once."""
    children = [
        dict(_ATTRIBUTE.findall(c.group("attrs")))
        for c in _CHILD_OPEN.finditer(group.group("children"))
    ]
    own = dict(_ATTRIBUTE.findall(group.group("attrs")))
    if any("role" in child for child in children):  # data marks keep their attributes
        return group.group(0)
    shared = {
        name: children[0][name]
        for name in _INHERITED
        if name not in own
        and name in children[0]
        and all(child.get(name) == children[0][name] for child in children)
    }
    if not shared:
        return group.group(0)
    moved = re.compile(r"\s(?:" + "|".join(map(re.escape, shared)) + r')="[^"]*"')

    def without_shared(child: re.Match[str]) -> str:
        return child.group(0).replace(child.group("attrs"), moved.sub("", child.group("attrs")))

    lifted = "".join(f' {name}="{value}"' for name, value in shared.items())
    children_text = _CHILD_OPEN.sub(without_shared, group.group("children"))
    return f"<g{group.group('attrs')}{lifted}>{children_text}</g>"


def lean_svg(svg: str) -> str:
    """`svg` written with fewer bytes: the same drawing, names and hover texts.

    Parameters
    ----------
    svg : str
        A chart's SVG as vl-convert writes it (with or without the kit's hover titles).

    Returns
    -------
    str
        The compact SVG (see the module's description for what changes).

    Examples
    --------
    >>> lean_svg('<svg><path d="M0,0h22.857142857142854v14.04h-22.857142857142854Z" '
    ...          'opacity="1"/><line x2="0" y2="5.26"/></svg>')
    '<svg><path d="M0,0h22.9v14h-22.9Z"/><line y2="5.3"/></svg>'
    >>> lean_svg('<svg><path d="M0,280L2.2800001,280L2.28,278.7700001L4.3,278.77"/></svg>')
    '<svg><path d="M0,280H2.3V278.8H4.3"/></svg>'
    >>> lean_svg('<svg><g transform="translate(0,0)"><path fill="rgb(10, 74, 144)">'
    ...          '<title>a fill="rgb(1, 2, 3)" d="1.2345"</title></path></g></svg>')
    '<svg><g><path fill="#0a4a90"><title>a fill="rgb(1, 2, 3)" d="1.2345"</title></path></g></svg>'
    """
    svg = _EMPTY_GUIDE_PATH.sub("", svg)
    svg = _OPENING_TAG.sub(_lean_tag, svg)
    return _SIMPLE_GROUP.sub(_shared_once, _font_once(svg))
