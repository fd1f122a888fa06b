"""Headless Chromium for the security tests: open a written page with the network off.

`browser.dump(page, profile)` returns the DOM after Chromium has run the page (scripts and
events get two seconds of virtual time); `browser.check(page, profile, shown)` also asserts
that no payload ran (the ``data-pwned`` marker is absent), that no event handler or script
URL is left, that the kit's Content-Security-Policy is the head's first element, and that
each text in `shown` appears as text. Without Chromium the tests that use it are skipped
with the install hint.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or (
    "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
)
# The policy every page must carry, written out here rather than imported from the kit.
EXPECTED_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; "
    "base-uri 'none'; form-action 'none'"
)
# Every payload of the corpus tries to set this marker (``data-pwned`` on <html>); payloads
# that must be short (names the kit shortens in messages) set ``document.title`` instead.
MARK = "document.documentElement.dataset.pwned=1"
# Targets a page must never link or load: script URLs in any spelling.
SCRIPT_URL = re.compile(r"^(javascript|vbscript|data):", re.IGNORECASE)
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "background", "poster"}


def _no_network_prefix() -> list[str]:
    """``unshare -n`` (an empty network namespace) where the machine allows it."""
    if shutil.which("unshare") is None:
        return []
    probe = subprocess.run(["unshare", "-n", "true"], capture_output=True)
    return ["unshare", "-n"] if probe.returncode == 0 else []


class _Page(HTMLParser):
    """Text, URL attributes, event handlers and the head's first element of a dumped DOM."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.urls: list[tuple[str, str, str]] = []
        self.handlers: list[tuple[str, str]] = []
        self.first_in_head: tuple[str, dict[str, str | None]] | None = None
        self.title = ""
        self._after_head = False
        self._in_title = False
        self._in_svg = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._after_head and self.first_in_head is None:
            self.first_in_head = (tag, dict(attrs))
        self._after_head = tag == "head"
        self._in_svg += tag == "svg"
        # the document's title; a chart's <title> (its name, a mark's hover text) is not it
        self._in_title = tag == "title" and not self._in_svg
        for name, value in attrs:
            if name.lower().startswith("on"):
                self.handlers.append((tag, name))
            if name.lower() in URL_ATTRIBUTES and value is not None:
                self.urls.append((tag, name, value))

    def handle_endtag(self, tag: str) -> None:
        self._in_title = False
        self._in_svg -= tag == "svg" and self._in_svg > 0

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        self.text.append(data)


@dataclass
class Browser:
    executable: str

    def dump(self, page: Path, profile: Path) -> str:
        """The DOM of `page` after Chromium has run it, network off."""
        flags = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--proxy-server=127.0.0.1:9",
            "--host-resolver-rules=MAP * ~NOTFOUND",
            "--virtual-time-budget=2000",
            f"--user-data-dir={profile}",
        ]
        result = subprocess.run(
            [*_no_network_prefix(), self.executable, *flags, "--dump-dom", page.as_uri()],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr[-2000:]
        assert "</html>" in result.stdout, f"no DOM from Chromium: {result.stderr[-2000:]}"
        return result.stdout

    def check(self, page: Path, profile: Path, shown: list[str] | tuple[str, ...] = ()) -> str:
        """Open `page` and assert that nothing ran and the policy is in place; returns its text."""
        dom = self.dump(page, profile)
        assert "data-pwned" not in dom, f"a payload ran in {page}"
        parsed = _Page()
        parsed.feed(dom)
        written = re.search(r"<title>(.*?)</title>", page.read_text(encoding="utf-8"), re.S)
        assert written is not None, f"{page.name} has no <title>"
        assert parsed.title.strip() == html.unescape(written.group(1)).strip(), (
            f"a payload ran in {page}: the title became {parsed.title!r}"
        )
        assert parsed.first_in_head is not None, f"{page.name}: empty <head>"
        tag, attrs = parsed.first_in_head
        assert tag == "meta" and attrs.get("http-equiv") == "Content-Security-Policy", (
            f"{page.name}: the first element of <head> is <{tag} {attrs}>, not the CSP meta"
        )
        assert attrs.get("content") == EXPECTED_CSP
        assert not parsed.handlers, f"{page.name}: event handlers {parsed.handlers[:5]}"
        bad = [
            (tag, name, value)
            for tag, name, value in parsed.urls
            if SCRIPT_URL.match(re.sub(r"[\x00-\x20]+", "", value))
            and not value.startswith(("data:image/png;base64,", "data:image/jpeg;base64,"))
        ]
        assert not bad, f"{page.name}: script URLs {bad[:5]}"
        # The corpus's web link (a name like "[Open](https://evil.example/...)") stays text.
        assert not [url for url in parsed.urls if "evil.example" in url[2]], f"{page.name}"
        text = " ".join(" ".join(parsed.text).split())
        for payload in shown:
            # Long names are shortened in tables and chart labels; their start always shows.
            assert " ".join(payload[:20].split()) in text, (
                f"{page.name}: payload {payload!r} is not shown as text"
            )
        return text


@pytest.fixture(scope="session")
def browser() -> Browser:
    if CHROMIUM is None:
        pytest.skip(
            "Chromium is not installed (apt-get install chromium); "
            "the XSS browser checks did not run"
        )
    return Browser(CHROMIUM)
