"""A chart as the report page draws it: SVG whose hover texts come from the chart's tooltip.

Vega-lite names each drawn datum (its ``aria-label``, which `notebook.accessible_svg` turns
into the SVG ``<title>`` a browser shows on hover) with an automatic description: every
encoded field first, raw ("estimate: 0.0160621", "share: 50.310000%"), then the tooltip's
fields. A chart function says in its tooltip what a reader should see, with titles and
formats. `render_svg` therefore describes every mark that has a tooltip by that tooltip
only, each value formatted exactly as the tooltip formats it (its format, formatType,
timeUnit or bin, the theme's number format and the report's locale). A mark whose chart
gives a description of its own keeps it.

How: the spec is compiled to Vega with a placeholder description on each such mark; the
placeholder is replaced by an expression that joins the mark's tooltip entries (the
expressions vega-lite wrote for the tooltip), and the Vega spec is drawn.
"""

from __future__ import annotations

import copy
import json
import uuid
from typing import Any

_CONTAINERS = ("layer", "hconcat", "vconcat", "concat")
# Composite marks expand into several marks with their own tooltips: vega-lite's own text.
_COMPOSITE = {"boxplot", "errorband", "errorbar"}
# The separator of a list value in vega-lite's tooltip expression: a Vega string "\\n".
_LINE_BREAK = "'\\n'"


# What a tooltip entry keeps of a field definition (axis, scale, sort and so on go).
_TOOLTIP_KEYS = ("field", "type", "aggregate", "bin", "timeUnit", "title", "format", "formatType")
# Channels that name no value a reader sees.
_NOT_SHOWN = {"tooltip", "description", "detail", "order", "key", "href", "url"}


def _mark_type(node: dict) -> str | None:
    mark = node.get("mark")
    return mark.get("type") if isinstance(mark, dict) else mark


def _has_own_description(node: dict, encoding: dict) -> bool:
    mark = node.get("mark")
    return "description" in encoding or (
        isinstance(mark, dict) and ("description" in mark or mark.get("aria") is False)
    )


def _tooltip_fields(tooltip: Any) -> list[dict] | None:
    """The tooltip as a list of field definitions; None for a value, condition or none."""
    items = tooltip if isinstance(tooltip, list) else [tooltip]
    if items and all(isinstance(i, dict) and ("field" in i or "aggregate" in i) for i in items):
        return items
    return None


def _field_key(definition: dict) -> tuple:
    """A field as drawn: the same field, aggregate, time unit and binning."""
    return (
        definition.get("field"),
        definition.get("aggregate"),
        json.dumps(definition.get("timeUnit")),
        bool(definition.get("bin")),
    )


def _chart_tooltips(node: Any, found: dict[tuple, dict]) -> dict[tuple, dict]:
    """Every tooltip field of the chart by `_field_key` (the first of each)."""
    if isinstance(node, list):
        for item in node:
            _chart_tooltips(item, found)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key == "tooltip" and _tooltip_fields(value):
                for field in _tooltip_fields(value) or []:
                    found.setdefault(_field_key(field), field)
            elif key not in ("data", "datasets"):
                _chart_tooltips(value, found)
    return found


def _channel_formats(node: Any, tooltips: dict[tuple, dict], found: dict) -> dict[str, dict]:
    """Channel ("x", "y", "color") -> the format a tooltip gives a field drawn on it."""
    if isinstance(node, list):
        for item in node:
            _channel_formats(item, tooltips, found)
    elif isinstance(node, dict):
        encoding = node.get("encoding") if isinstance(node.get("encoding"), dict) else {}
        for channel, definition in encoding.items() if "tooltip" in encoding else ():
            entry = tooltips.get(_field_key(definition)) if isinstance(definition, dict) else None
            if entry is not None and "format" in entry:
                formats = {k: entry[k] for k in ("format", "formatType") if k in entry}
                found.setdefault(channel.removesuffix("2"), formats)
        for key in (*_CONTAINERS, "spec"):
            _channel_formats(node.get(key), tooltips, found)
    return found


def _shown_fields(encoding: dict, tooltips: dict[tuple, dict], formats: dict) -> list[dict]:
    """A mark's encoded fields as tooltip entries: as a tooltip of the chart titles and
    formats the same field; else with the field's title and format (or its guide's, or the
    format a tooltip gives another field on the same channel: an interval's ends read as
    the estimate between them)."""
    entries: list[dict] = []
    for channel, definition in encoding.items():
        if channel in _NOT_SHOWN or not isinstance(definition, dict) or "field" not in definition:
            continue
        entry = tooltips.get(_field_key(definition))
        if entry is None:
            entry = {k: definition[k] for k in _TOOLTIP_KEYS if k in definition}
            # x2, y2 and the like take the type of their main channel
            main = encoding.get(channel.removesuffix("2"))
            if "type" not in entry and isinstance(main, dict) and "type" in main:
                entry["type"] = main["type"]
            guide = definition.get("axis") or definition.get("legend")
            for key in ("title", "format", "formatType") if isinstance(guide, dict) else ():
                if key not in entry and guide.get(key) is not None:
                    entry[key] = guide[key]
            if "format" not in entry and entry.get("type") == "quantitative":
                entry.update(formats.get(channel.removesuffix("2"), {}))
        if entry not in entries:
            entries.append(entry)
    return entries


def _mark_descriptions(
    node: Any, marker: str, count: list[int], chart: tuple[dict, dict], inherited: dict
) -> None:
    """Give every mark a placeholder description where its tooltip will say it, in place.

    A view with a tooltip of fields gets one (its layers inherit it); a mark without a
    tooltip gets its encoded fields as one, titled and formatted as `_shown_fields` says.
    """
    if isinstance(node, list):
        for item in node:
            _mark_descriptions(item, marker, count, chart, inherited)
        return
    if not isinstance(node, dict):
        return
    own = node.get("encoding") if isinstance(node.get("encoding"), dict) else {}
    encoding = {**inherited, **own}
    fields = _tooltip_fields(own.get("tooltip"))
    if "mark" in node and "tooltip" not in encoding:
        fields = _shown_fields(encoding, *chart) or None
    if fields and not _has_own_description(node, encoding) and _mark_type(node) not in _COMPOSITE:
        # a list even for one field: vega-lite then writes the tooltip as {title: value}
        node["encoding"] = {
            **own,
            "tooltip": fields,
            "description": {"value": f"{marker}{count[0]}"},
        }
        count[0] += 1
    for key in (*_CONTAINERS, "spec"):
        if key in node:
            _mark_descriptions(node[key], marker, count, chart, encoding)


def _skip_string(text: str, start: int) -> int:
    """The index after the quoted string (either quote, backslash escapes) at `start`."""
    quote, index = text[start], start + 1
    while text[index] != quote:
        index += 2 if text[index] == "\\" else 1
    return index + 1


def _top_level_parts(text: str, separator: str) -> list[str]:
    """`text` split at each `separator` outside strings and brackets."""
    parts, depth, start, index = [], 0, 0, 0
    while index < len(text):
        char = text[index]
        if char in "\"'":
            index = _skip_string(text, index)
            continue
        depth += (char in "([{") - (char in ")]}")
        if depth == 0 and text.startswith(separator, index):
            parts.append(text[start:index])
            start = index + len(separator)
        index += 1
    return [*parts, text[start:]]


def object_entries(signal: str) -> list[tuple[str, str]]:
    """The entries of a Vega object expression ``{"key": expression, ...}`` as vega-lite
    writes a tooltip.

    Parameters
    ----------
    signal : str
        The expression.

    Returns
    -------
    list of (str, str)
        Each key with its value expression, in order.

    Raises
    ------
    ValueError
        When `signal` is not an object of quoted keys.

    Examples
    --------
    >>> object_entries('{"a, b": format(datum["x"], ",d"), "c": datum["y"]}')
    [('a, b', 'format(datum["x"], ",d")'), ('c', 'datum["y"]')]
    """
    body = signal.strip()
    if not (body.startswith("{") and body.endswith("}")) or not body[1:-1].strip():
        raise ValueError(f"not an object expression: {signal[:80]!r}")
    decoder, entries = json.JSONDecoder(), []
    for part in _top_level_parts(body[1:-1], ","):
        key, end = decoder.raw_decode(part.strip())
        value = part.strip()[end:].lstrip()
        if not isinstance(key, str) or not value.startswith(":"):
            raise ValueError(f"not an object entry: {part[:80]!r}")
        entries.append((key, value[1:].strip()))
    return entries


def hover_expression(entries: list[tuple[str, str]]) -> str:
    """A Vega expression of the text "key: value; key: value" for the tooltip's entries.

    A list value (a journey) is joined with spaces; the tooltip joins it with line breaks.

    Examples
    --------
    >>> hover_expression([("Cohort", 'datum["c"]'), ("buying", 'format(datum["v"], ".0%")')])
    '"Cohort: " + (datum["c"]) + "; buying: " + (format(datum["v"], ".0%"))'
    """
    pieces = [
        json.dumps(("; " if index else "") + key + ": ", ensure_ascii=False)
        + " + ("
        + value.replace(_LINE_BREAK, "' '")
        + ")"
        for index, (key, value) in enumerate(entries)
    ]
    return " + ".join(pieces)


def _walk_marks(marks: list[dict]):
    for mark in marks:
        yield mark
        yield from _walk_marks(mark.get("marks") or [])


def _use_tooltips(vega: dict, marker: str) -> int:
    """Replace each placeholder description by the text of its mark's tooltip; how many."""
    replaced = 0
    for mark in _walk_marks(vega.get("marks") or []):
        for block in (mark.get("encode") or {}).values():
            description = block.get("description")
            if not (isinstance(description, dict) and marker in str(description.get("value"))):
                continue
            tooltip = block.get("tooltip") or {}
            if not isinstance(tooltip.get("signal"), str):
                raise ValueError(f"mark {mark.get('name')!r} has no tooltip expression")
            block["description"] = {"signal": hover_expression(object_entries(tooltip["signal"]))}
            replaced += 1
    return replaced


def _placeholders_left(node: Any, marker: str) -> bool:
    return marker in json.dumps(node)


def tooltip_vega(spec: dict, vl_version: str) -> dict:
    """The chart compiled to Vega, each mark with a tooltip described by its tooltip.

    Parameters
    ----------
    spec : dict
        A Vega-Lite spec (e.g. ``chart.to_dict()``), already in the report's language.
    vl_version : str
        The Vega-Lite version to compile with (e.g. "5.20").

    Returns
    -------
    dict
        The Vega spec. A spec this cannot rewrite (a tooltip vega-lite did not write as an
        object of entries) is compiled as it is, with vega-lite's automatic descriptions.

    Examples
    --------
    >>> spec = {"data": {"values": [{"x": 0.0160621, "arm": "B"}]}, "mark": "bar",
    ...         "encoding": {"x": {"field": "x", "type": "quantitative"},
    ...                      "tooltip": {"field": "x", "type": "quantitative",
    ...                                  "format": ".1%", "title": "change"}}}
    >>> mark = tooltip_vega(spec, "5.20")["marks"][0]
    >>> mark["encode"]["update"]["description"]
    {'signal': '"change: " + (format(datum["x"], ".1%"))'}
    """
    import vl_convert

    marker = f"mkt-hover-{uuid.uuid4().hex}-"
    marked, count = copy.deepcopy(spec), [0]
    tooltips = _chart_tooltips(marked, {})
    chart = (tooltips, _channel_formats(marked, tooltips, {}))
    _mark_descriptions(marked, marker, count, chart, {})
    if count[0]:
        vega = vl_convert.vegalite_to_vega(marked, vl_version=vl_version)
        try:
            _use_tooltips(vega, marker)
        except (ValueError, IndexError):
            pass  # an unexpected tooltip expression: vega-lite's own descriptions below
        else:
            if not _placeholders_left(vega, marker):
                return vega
    return vl_convert.vegalite_to_vega(spec, vl_version=vl_version)


def render_svg(spec: dict, vl_version: str) -> str:
    """The chart as SVG, each mark with a tooltip described by its tooltip (`tooltip_vega`).

    Parameters
    ----------
    spec : dict
        A Vega-Lite spec.
    vl_version : str
        The Vega-Lite version to compile with.

    Returns
    -------
    str
        vl-convert's SVG; the locale and number formats are the spec's config.
    """
    import vl_convert

    return vl_convert.vega_to_svg(tooltip_vega(spec, vl_version))
