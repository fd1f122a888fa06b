"""Safe HTML for every page the kit writes: Markdown with raw HTML escaped, and one CSP.

Report text is built from data: channel names, variant names, personas, column headers and
file names end up in sentences. A channel called ``<script>…</script>`` must show as that
text, not run. So the Markdown of the reports is rendered here, not by nbconvert (which
passes raw HTML through):

- raw HTML in the Markdown (blocks and inline tags) is escaped, so it shows as text;
- link and image targets are kept only for ``http:``, ``https:``, ``mailto:``, ``#anchors``
  and relative paths; anything else (``javascript:``, ``data:``, ``vbscript:``, in any case,
  with spaces, control characters or entities in the scheme) becomes ``#blocked-link``.

Defence in depth: every page also carries `CSP_META` as the first element of its ``<head>``,
a Content-Security-Policy that allows no script at all (inline styles, inline SVG and
``data:`` images keep working; links between the kit's pages are plain navigation).

Examples
--------
>>> markdown_html("**Search** <script>alert(1)</script>")
'<p><strong>Search</strong> &lt;script&gt;alert(1)&lt;/script&gt;</p>\\n'
>>> markdown_html("[open](JaVaScRiPt:alert(1)) [report](run-1/report.html)")
'<p><a href="#blocked-link">open</a> <a href="run-1/report.html">report</a></p>\\n'
>>> with_csp('<html><head><meta charset="utf-8"></head></html>').startswith(
...     '<html><head><meta http-equiv="Content-Security-Policy"')
True
"""

from __future__ import annotations

import html
import re
from functools import cache
from typing import Any

# No script of any kind, no network: only the page's own inline styles and data: images.
# frame-ancestors is ignored in a <meta> policy, so it is left out.
CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; "
    "base-uri 'none'; form-action 'none'"
)
CSP_META = f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
BLOCKED_URL = "#blocked-link"
# Browsers drop ASCII whitespace and control characters inside a scheme ("java\tscript:").
_IGNORED_IN_URL = re.compile(r"[\x00-\x20\x7f-\x9f]+")
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")
_HEAD = re.compile(r"<head(\s[^>]*)?>", re.IGNORECASE)


def safe_url(url: str) -> str:
    """`url` if it is http(s), mailto, an anchor or a relative path; else ``#blocked-link``.

    Parameters
    ----------
    url : str
        A link or image target, as written (entities and odd spellings allowed).

    Returns
    -------
    str
        The unchanged target when it is allowed, otherwise ``"#blocked-link"``.

    Examples
    --------
    >>> [safe_url(u) for u in ("https://example.org", "tables/a.csv", "#top", "mailto:a@b.de")]
    ['https://example.org', 'tables/a.csv', '#top', 'mailto:a@b.de']
    >>> [safe_url(u) for u in (" JAVAscript:x", "java\\tscript:x", "&#106;avascript:x", "data:,x")]
    ['#blocked-link', '#blocked-link', '#blocked-link', '#blocked-link']
    """
    # Entities can be nested ("&amp;#106;"): decode until the text stops changing.
    decoded, previous = url, None
    while decoded != previous:
        previous, decoded = decoded, html.unescape(decoded)
    plain = _IGNORED_IN_URL.sub("", decoded).lower()
    scheme = _SCHEME.match(plain)
    if scheme and scheme.group(1) not in SAFE_SCHEMES:
        return BLOCKED_URL
    # A colon before any '/', '?' or '#' is a scheme to a browser even where the regex above
    # saw none ("1javascript:" is not a scheme, but be strict: such targets are never needed).
    head = re.split(r"[/?#]", plain, maxsplit=1)[0]
    if ":" in head and not scheme:
        return BLOCKED_URL
    return url


@cache
def _renderer() -> Any:
    import mistune
    from mistune.renderers.html import HTMLRenderer

    class SafeRenderer(HTMLRenderer):
        """mistune's HTML renderer with raw HTML escaped and an allow-list for URLs."""

        def sanitize_url(self, url: str) -> str:
            # Blocked when either mistune's own protocol check or the allow-list says so.
            if safe_url(url) == BLOCKED_URL or super().sanitize_url(url) != url:
                return BLOCKED_URL
            return url

    return mistune.create_markdown(
        renderer=SafeRenderer(escape=True), plugins=["table", "strikethrough"]
    )


def markdown_html(text: str) -> str:
    """Markdown as HTML that cannot run script: raw HTML escaped, unsafe links blocked.

    Parameters
    ----------
    text : str
        Markdown, possibly with data-derived parts (names from the user's files).

    Returns
    -------
    str
        The HTML fragment (paragraphs, lists, tables, code, emphasis, safe links).

    Examples
    --------
    >>> markdown_html("A *channel*: <img src=x onerror=alert(1)>")
    '<p>A <em>channel</em>: &lt;img src=x onerror=alert(1)&gt;</p>\\n'
    """
    return str(_renderer()(str(text)))


def with_csp(page: str) -> str:
    """`page` with `CSP_META` as the first element of its ``<head>`` (added once).

    Parameters
    ----------
    page : str
        A complete HTML document with a ``<head>`` element.

    Returns
    -------
    str
        The same document, the policy inserted right after the ``<head>`` tag.

    Raises
    ------
    ValueError
        If the document has no ``<head>``: a page without the policy is never written.

    Examples
    --------
    >>> with_csp("<html><head></head></html>").count("Content-Security-Policy")
    1
    """
    match = _HEAD.search(page)
    if match is None:
        raise ValueError("the page has no <head> to carry the Content-Security-Policy")
    if page[match.end() :].lstrip().startswith(CSP_META):
        return page
    return page[: match.end()] + CSP_META + page[match.end() :]


__all__ = ["BLOCKED_URL", "CSP", "CSP_META", "markdown_html", "safe_url", "with_csp"]
