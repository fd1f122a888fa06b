"""The style sheets of the kit's pages: only the rules the pages use, for screen, phone and print.

A report page used to carry JupyterLab's whole style sheet (about 258 KB, almost all unused).
`REPORT_CSS` styles exactly the elements the report template writes (cells, outputs, the
kit's tables, charts, summary cards, contents and run details). `LIST_PAGE_CSS` styles the
reports index and the lessons page.

Three layouts share one sheet:

- screen: a 1040 px column, the answer first;
- phone (up to 640 px): tables and charts scroll inside their own box, so the page itself
  never scrolls sideways; charts keep their drawn size (their text stays readable);
- print (A4): charts, tables and cards are never split, headings stay with their text,
  nothing scrolls, and navigation and the collapsed run details are left out (the header
  line names the run).

Examples
--------
>>> "size: A4" in REPORT_CSS and "break-inside: avoid" in REPORT_CSS
True
>>> len(REPORT_CSS) < 10_000
True
"""

from __future__ import annotations

_BASE = """
html { -webkit-text-size-adjust: 100%; }
body.mkt-report { margin: 0; background: #fff; color: #1d1d1d;
  font: 15px/1.5 Helvetica, Arial, sans-serif; }
.mkt-report main { max-width: 1040px; margin: 0 auto; padding: 16px 32px 48px; }
.mkt-report a { color: #0064a0; }
.mkt-report h2 { font-size: 20px; border-bottom: 2px solid #eee; padding-bottom: 4px;
  margin: 28px 0 10px; }
.mkt-report h3 { font-size: 16px; margin: 18px 0 6px; }
.mkt-report h4 { font-size: 15px; margin: 14px 0 4px; }
.mkt-report p { margin: 6px 0 10px; }
.mkt-report code { font-family: Menlo, Consolas, monospace; font-size: 90%;
  background: #f3f3f3; padding: 0 3px; border-radius: 3px; }
.mkt-report pre { font: 12px/1.4 Menlo, Consolas, monospace; background: #f7f7f7;
  padding: 8px; overflow-x: auto; white-space: pre-wrap; overflow-wrap: anywhere; }
.mkt-report pre code { background: none; padding: 0; }
.mkt-topnav { font-size: 13px; margin-bottom: 6px; }
.mkt-header h1 { font-size: 28px; line-height: 1.2; margin: 0 0 4px; }
.mkt-description { color: #444; margin: 0 0 4px; }
.mkt-meta { color: #666; font-size: 12px; margin: 0; }
.mkt-status-failed { border-left: 5px solid #D55E00; background: #FDF0E8;
  padding: 10px 16px; margin: 12px 0; }
"""

_SUMMARY = """
.mkt-headline-box, .mkt-summary { border-left: 5px solid #0072B2; background: #F2F8FC;
  padding: 10px 16px; margin: 12px 0; }
.mkt-headline-box, .mkt-summary-headline { font-size: 20px; font-weight: bold;
  line-height: 1.3; margin: 0 0 8px; }
.mkt-cards { display: grid; gap: 10px; margin: 8px 0;
  grid-template-columns: repeat(auto-fit, minmax(190px, 1fr)); }
.mkt-card { background: #fff; border: 1px solid #d6e4ef; border-radius: 6px;
  padding: 8px 12px; min-width: 0; overflow-wrap: anywhere; }
.mkt-card-label { font-size: 13px; color: #444; }
.mkt-card-value { font-size: 24px; font-weight: bold; line-height: 1.25; }
.mkt-card-comparison, .mkt-card-interval { font-size: 12px; color: #555; }
.mkt-action { margin: 8px 0 4px; }
.mkt-action-label { font-weight: bold; }
.mkt-bullets { margin: 4px 0 0; padding-left: 20px; }
.mkt-bullets li { margin: 2px 0; }
.mkt-toc { font-size: 14px; margin: 10px 0 4px; }
.mkt-toc h2 { font-size: 15px; border: none; margin: 0 0 4px; padding: 0; }
.mkt-toc ol { margin: 0; padding-left: 22px; columns: 2 260px; column-gap: 24px; }
.mkt-toc li { break-inside: avoid; }
"""

_CELLS = """
.jp-Collapser, .jp-InputPrompt, .jp-OutputPrompt, a.anchor-link { display: none; }
.jp-Cell { margin: 0; }
.jp-OutputArea-output { margin: 6px 0; max-width: 100%; overflow-x: auto; }
.jp-RenderedText pre, .jp-OutputArea-output pre { background: none; padding: 0; }
.mkt-chart { margin: 10px 0; overflow-x: auto; }
.mkt-chart svg { display: block; max-width: 100%; height: auto; }
.celltag_mkt-error { border: 2px solid #D55E00; border-radius: 4px; background: #FFF7F2;
  padding: 4px 8px; }
.celltag_mkt-error::before { content: "This step failed"; display: block; font-weight: bold;
  color: #B34700; padding: 4px 0; }
:lang(de) .celltag_mkt-error::before { content: "Dieser Schritt ist fehlgeschlagen"; }
.celltag_mkt-error .jp-InputArea pre { background: #fff; }
.ansi-red-fg { color: #c0392b; } .ansi-green-fg { color: #1e8449; }
.ansi-blue-fg { color: #1f618d; } .ansi-cyan-fg { color: #117a8b; }
.ansi-yellow-fg { color: #9a7d0a; } .ansi-bold { font-weight: bold; }
"""

_TABLES = """
.mkt-report table { border-collapse: collapse; font-size: 13px; margin: 6px 0 14px;
  display: block; max-width: 100%; overflow-x: auto; width: max-content; }
.mkt-report th, .mkt-report td { border-bottom: 1px solid #ddd; padding: 4px 10px;
  text-align: left; vertical-align: top; }
.mkt-report thead th { border-bottom: 2px solid #bbb; background: #f7f7f7; }
.mkt-frame { max-width: 100%; overflow-x: auto; }
.mkt-frame td.num, .mkt-frame th.num { text-align: right; font-variant-numeric: tabular-nums; }
.mkt-frame caption { caption-side: bottom; color: #666; font-size: 12px; text-align: left; }
.mkt-quality p { margin: 4px 0; }
.mkt-skipped li { margin: 2px 0; }
.mkt-run-details { margin-top: 32px; border-top: 2px solid #eee; padding-top: 8px; }
.mkt-run-details > summary { font-size: 20px; font-weight: bold; cursor: pointer;
  padding: 4px 0; }
.mkt-run-details h2 { font-size: 17px; }
.mkt-footer { margin-top: 28px; color: #777; font-size: 12px; border-top: 1px solid #eee;
  padding-top: 8px; overflow-wrap: anywhere; }
"""

_PHONE = """
@media (max-width: 640px) {
  body.mkt-report { font-size: 15px; }
  .mkt-report main { padding: 10px 12px 32px; }
  .mkt-header h1 { font-size: 22px; }
  .mkt-headline-box, .mkt-summary { padding: 8px 10px; }
  .mkt-headline-box, .mkt-summary-headline { font-size: 17px; }
  .mkt-cards { grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 6px; }
  .mkt-card-value { font-size: 19px; }
  .mkt-toc ol { columns: 1; }
  /* A chart keeps its drawn size (a 740 px chart shrunk to 360 px has 5 px labels): it
     scrolls inside its own box instead. */
  .mkt-chart svg { max-width: none; }
}
"""

# Print: A4, nothing split that must be read whole, no scrollbars, no page with only the
# footer. The run details are left out (a <details> element prints closed in Chromium).
_PRINT = """
@page { size: A4; margin: 14mm 12mm; }
@media print {
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  body.mkt-report { font-size: 10.5pt; }
  .mkt-report main { max-width: none; padding: 0; }
  .mkt-topnav, .mkt-toc, .mkt-run-details { display: none; }
  .mkt-report h1, .mkt-report h2, .mkt-report h3, .mkt-report h4 {
    break-after: avoid; page-break-after: avoid; }
  .jp-MarkdownCell { break-after: avoid; page-break-after: avoid; }
  .mkt-chart, .mkt-frame, .mkt-report table, .mkt-summary, .mkt-card, .mkt-quality,
  .mkt-report tr, .mkt-report svg { break-inside: avoid; page-break-inside: avoid; }
  .mkt-chart, .mkt-frame, .jp-OutputArea-output, .mkt-report table, .mkt-report pre {
    overflow: visible; }
  .mkt-chart svg { max-width: 100%; height: auto; }
  .mkt-report table { width: auto; max-width: 100%; font-size: 8.5pt; }
  .mkt-report th, .mkt-report td { padding: 2px 5px; overflow-wrap: anywhere; }
  .mkt-report p, .mkt-report li { orphans: 3; widows: 3; }
  .mkt-footer { break-before: avoid; page-break-before: avoid; margin-top: 12px; }
  .mkt-report a { color: inherit; text-decoration: none; }
}
"""

REPORT_CSS = _BASE + _SUMMARY + _CELLS + _TABLES + _PHONE + _PRINT

LIST_PAGE_CSS = """
html { -webkit-text-size-adjust: 100%; }
body { font: 15px/1.5 Helvetica, Arial, sans-serif; color: #1d1d1d; margin: 0; }
main { max-width: 1200px; margin: 0 auto; padding: 20px 32px; }
h1 { font-size: 26px; margin-bottom: 4px; }
p.lead { color: #555; margin-top: 0; }
a { color: #0064a0; }
.table-box { max-width: 100%; overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: 14px; }
th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid #E3E3E3;
  vertical-align: top; overflow-wrap: anywhere; }
th { background: #F5F5F5; }
td.params { font-size: 12px; color: #444; max-width: 340px; }
.ok { color: #009E73; font-weight: bold; }
.failed { color: #D55E00; font-weight: bold; }
@media (max-width: 640px) {
  main { padding: 10px 12px; }
  h1 { font-size: 22px; }
  /* One block per row: each cell on its own line, labelled by its column. */
  table.stack, table.stack tbody, table.stack tr, table.stack td { display: block; }
  table.stack thead { display: none; }
  table.stack tr { border-bottom: 2px solid #ddd; padding: 6px 0; }
  table.stack td { border: none; padding: 2px 4px; }
  table.stack td[data-label]::before { content: attr(data-label) ": "; color: #666;
    font-size: 12px; }
  td.params { max-width: none; }
}
@media print { @page { size: A4; margin: 14mm 12mm; } main { padding: 0; max-width: none; } }
"""
