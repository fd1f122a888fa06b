"""`make gallery`: screenshots of every demo report in English and German, to review by eye.

Runs the five demo reports in both languages (as ``mkt demo`` runs them), then opens each
page in the system Chromium with the network off and writes, per report and language::

    gallery/<report>-<language>-first.png   the first screen at 1400 x 900
    gallery/<report>-<language>-full.png    the whole page at 1400 px wide
    gallery/<report>-<language>-phone.png   the first screen at 390 x 844 (a phone)
    gallery/<report>-<language>.pdf         the A4 print
    gallery/pages.json                      each page's size in bytes and its printed pages

Needs playwright (a test dependency of the kit) and Chromium (``/usr/bin/chromium``); no
browser is downloaded. ``--runs DIR`` takes reports already run into DIR instead.

Examples
--------
>>> [shot.suffix for shot in SHOTS]
['first', 'full', 'phone']
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEMO_REPORTS = ("data_overview", "attribution", "cohort_ltv", "ab_test", "nurture_timing")
LANGUAGES = ("en", "de")


@dataclass(frozen=True)
class Shot:
    """One screenshot of a page.

    Parameters
    ----------
    suffix : str
        The file name's ending.
    width, height : int
        The window in CSS pixels.
    full_page : bool
        The whole page rather than the first screen.
    """

    suffix: str
    width: int
    height: int
    full_page: bool = False


SHOTS = (Shot("first", 1400, 900), Shot("full", 1400, 900, True), Shot("phone", 390, 844))


def chromium_path() -> str | None:
    """The system Chromium, or None when it is not installed.

    Returns
    -------
    str or None
        The executable's path.

    Examples
    --------
    >>> chromium_path() is None or chromium_path().endswith("chromium")
    True
    """
    found = shutil.which("chromium")
    if found:
        return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


def block_network(route: Any) -> None:
    """A playwright route handler: file:// requests pass, every other request is aborted.

    Parameters
    ----------
    route : playwright.sync_api.Route
        The intercepted request.
    """
    if route.request.url.startswith("file:"):
        route.continue_()
    else:
        route.abort()


@contextmanager
def offline_browser() -> Iterator[Any]:
    """A headless Chromium (playwright) whose pages cannot reach the network.

    Yields
    ------
    playwright.sync_api.Browser
        Open pages with `offline_page`, which adds the route that blocks the network.
    """
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    if executable is None:
        raise RuntimeError("Chromium is not installed (apt-get install chromium)")
    with sync_playwright() as driver:
        browser = driver.chromium.launch(
            executable_path=executable,
            args=["--no-sandbox", "--disable-gpu", "--proxy-server=127.0.0.1:9"],
        )
        try:
            yield browser
        finally:
            browser.close()


def offline_page(browser: Any, width: int, height: int) -> Any:
    """A new page of `width` x `height` CSS pixels with every non-file request aborted.

    Parameters
    ----------
    browser : playwright.sync_api.Browser
    width, height : int

    Returns
    -------
    playwright.sync_api.Page
    """
    page = browser.new_page(viewport={"width": width, "height": height})
    page.route("**/*", block_network)
    return page


def pdf_page_count(pdf: bytes) -> int:
    """The pages of a PDF that Chromium printed (its page objects, counted).

    Parameters
    ----------
    pdf : bytes
        The PDF document.

    Returns
    -------
    int
        The number of ``/Type /Page`` objects.

    Examples
    --------
    >>> pdf_page_count(b"<< /Type /Pages /Count 2 >> << /Type /Page >> << /Type/Page/X >>")
    2
    """
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


def print_pdf(page: Any, target: Path | None = None) -> bytes:
    """The page printed on A4 as the browser's print dialog would (the page's print CSS).

    Parameters
    ----------
    page : playwright.sync_api.Page
        An open page.
    target : Path, optional
        Where to write the PDF as well.

    Returns
    -------
    bytes
        The PDF.
    """
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
    page.emulate_media(media="screen")
    if target is not None:
        target.write_bytes(pdf)
    return pdf


def run_demo_reports(out: Path, reports: tuple[str, ...] = DEMO_REPORTS) -> dict[str, Path]:
    """Run `reports` on the demo data in English and German into `out`.

    Parameters
    ----------
    out : Path
        The reports folder (``<out>/<report>-<language>/<run-id>/report.html``).
    reports : tuple of str

    Returns
    -------
    dict
        ``"<report>-<language>"`` -> its report.html.
    """
    from mkt_engineering.reporting.batch import RunSpec, run_batch
    from mkt_engineering.reporting.demo_inputs import demo_data, demo_parameters

    specs = [
        RunSpec(
            name,
            f"{name}-{language}",
            {**demo_parameters(name), "language": language},
            demo_data(name),
        )
        for language in LANGUAGES
        for name in reports
    ]
    results = run_batch(specs, out, jobs=2)
    failed = [f"{r.label}: {r.error}" for r in results if r.status != "ok"]
    if failed:
        raise RuntimeError("reports failed: " + "; ".join(failed))
    return {result.label: result.folder / "report.html" for result in results}


def found_reports(runs: Path) -> dict[str, Path]:
    """The newest report.html of every run folder under `runs`, by report and language.

    Parameters
    ----------
    runs : Path
        A folder that `mkt run`, `mkt demo` or `run_demo_reports` wrote.

    Returns
    -------
    dict
        ``"<report>-<language>"`` -> its report.html.
    """
    pages: dict[str, Path] = {}
    for manifest in sorted(runs.glob("*/*/manifest.json")):
        data = json.loads(manifest.read_text(encoding="utf-8"))
        language = (data.get("parameters") or {}).get("language", "en")
        pages[f"{data['analysis']}-{language}"] = manifest.parent / "report.html"
    return pages


def take_screenshots(pages: dict[str, Path], out: Path) -> list[Path]:
    """Write the screenshots of `SHOTS` for every page into `out`.

    Parameters
    ----------
    pages : dict
        Name -> report.html.
    out : Path
        The gallery folder.

    Returns
    -------
    list of Path
        The PNG files written (the PDFs and ``pages.json`` are written beside them).
    """
    out.mkdir(parents=True, exist_ok=True)
    written, printed = [], {}
    with offline_browser() as browser:
        for shot in SHOTS:
            page = offline_page(browser, shot.width, shot.height)
            for name, report in sorted(pages.items()):
                page.goto(report.as_uri())
                target = out / f"{name}-{shot.suffix}.png"
                page.screenshot(path=str(target), full_page=shot.full_page)
                written.append(target)
                if shot.full_page:  # and the A4 print, with its page count
                    pdf = print_pdf(page, out / f"{name}.pdf")
                    printed[name] = {"pdf_pages": pdf_page_count(pdf), "bytes": len(pdf)}
            page.close()
    sizes = {name: report.stat().st_size for name, report in pages.items()}
    summary = {name: {"html_bytes": sizes[name], **printed.get(name, {})} for name in pages}
    (out / "pages.json").write_text(json.dumps(summary, indent=2, sort_keys=True) + "\n")
    return written


def main(argv: list[str] | None = None) -> None:
    """Command line of `make gallery`.

    Parameters
    ----------
    argv : list of str, optional
        ``[--out DIR] [--runs DIR] [--reports a,b]``.
    """
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=Path("gallery"))
    parser.add_argument("--runs", type=Path, help="use reports already run into this folder")
    parser.add_argument("--reports", default=",".join(DEMO_REPORTS))
    args = parser.parse_args(argv)
    if args.runs is not None:
        pages = found_reports(args.runs)
    else:
        pages = run_demo_reports(args.out / "runs", tuple(args.reports.split(",")))
    shots = take_screenshots(pages, args.out)
    print(f"{len(shots)} screenshots of {len(pages)} pages in {args.out}")


if __name__ == "__main__":
    main()
