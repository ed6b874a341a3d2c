"""The inventory report as PDF (A4), printed by WeasyPrint from the same page as the HTML report.

The printed page (:func:`zerocarbon.reports.html.inventory_page` with ``printed=True``) has the same
sections and rows as the screen page; it runs no script, so its charts are static SVG drawn from the
same numbers (:mod:`zerocarbon.reports.svgcharts`) and the collapsed parts (traces, notes) are open.
This module adds the print stylesheet: A4 pages, a running header with the factory and the year,
page numbers, tables that wrap instead of running off the page.

Chinese text needs a CJK font: fontconfig's font for ``zh`` (a Simplified Chinese regular face first;
Debian's ``fonts-noto-cjk`` is a collection whose first face is the Japanese one), else the Noto Sans
CJK TC OTF shipped by the PyPI package ``cvttf-NotoSansCJK-Regular`` (the full Pan-CJK glyph set, so
Simplified Chinese is covered, in Traditional glyph forms). A face of a collection is written once to a
file of its own under ``~/.cache/zerocarbon/fonts`` (CSS cannot pick a face of a collection). The font
is given to WeasyPrint with an ``@font-face`` rule (a ``file://`` URI) at the face's own weight, so
that no bold is synthesised on top of a bold face, and embedded, subset, in the PDF.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from zerocarbon.accounting.results import Inventory
from zerocarbon.errors import ZerocarbonError
from zerocarbon.model.inventory_input import InventoryInput
from zerocarbon.reports.html import inventory_page
from zerocarbon.reports.i18n import LANG_CODES, normalise_lang, t
from zerocarbon.reports.svgcharts import CJK_FAMILY


def pdf_filename(lang: str) -> str:
    """``inventory_report.zh-CN.pdf`` or ``inventory_report.en.pdf``."""
    return f"inventory_report.{LANG_CODES[normalise_lang(lang)]}.pdf"


@dataclass(frozen=True)
class CjkFont:
    """The CJK font the PDF embeds: a single-face file and its weight (CSS ``font-weight``)."""

    path: Path
    weight: int


def _fontconfig_zh() -> tuple[Path, int] | None:
    """(file, face index) of fontconfig's font for Chinese (Simplified Chinese, regular weight first); None if none."""
    exe = shutil.which("fc-list")
    if exe is None:
        return None
    try:
        listed = subprocess.run([exe, ":lang=zh", "file", "index", "family", "style"], capture_output=True, text=True,
                                timeout=20, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    found: list[tuple[bool, bool, bool, str, int]] = []
    for line in listed.stdout.splitlines():
        file, _, rest = line.partition(":")
        face = re.search(r"index=(\d+)", rest)
        if file.strip():
            # Simplified Chinese first, then a regular weight, then not monospaced
            found.append((" SC" not in rest and "Hans" not in rest, "Regular" not in rest, "Mono" in rest,
                          file.strip(), int(face.group(1)) if face else 0))
    if not found:
        return None
    best = sorted(found)[0]
    return Path(best[3]), best[4]


def _package_font() -> tuple[Path, int] | None:
    """(file, face index) of the ``cvttf-NotoSansCJK-Regular`` package's font (its SC face if it is a collection)."""
    try:
        import cvttf_NotoSansCJK_Regular as noto  # type: ignore[import-untyped]
    except ImportError:
        return None
    path = Path(noto.get_TTF_path())
    if not path.exists():
        return None
    from fontTools.ttLib import TTCollection

    with path.open("rb") as fh:
        if fh.read(4) != b"ttcf":
            return path, 0
    faces = [str(font["name"].getDebugName(4)) for font in TTCollection(str(path), lazy=True).fonts]
    return path, next((i for i, name in enumerate(faces) if " SC" in name and "Mono" not in name), 0)


def _single_face(path: Path, index: int) -> CjkFont:
    """The face ``index`` of a font file as a file of its own (cached), since CSS cannot pick a face of a collection."""
    from fontTools.ttLib import TTFont

    with path.open("rb") as fh:
        collection = fh.read(4) == b"ttcf"
    font = TTFont(str(path), fontNumber=index if collection else -1, lazy=True)
    weight = int(font["OS/2"].usWeightClass)
    if not collection:
        return CjkFont(path, weight)
    stat = path.stat()
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "zerocarbon" / "fonts"
    target = cache / f"{path.stem}-{index}-{stat.st_size}-{int(stat.st_mtime)}.otf"
    if not target.exists():
        cache.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(f".{os.getpid()}.part")
        TTFont(str(path), fontNumber=index).save(str(partial))
        partial.replace(target)  # atomic: a concurrent writer never leaves half a font
    return CjkFont(target, weight)


@cache
def cjk_font() -> CjkFont:
    """The CJK font the PDF embeds (see the module docstring).

    Raises
    ------
    ZerocarbonError
        When neither fontconfig nor the ``cvttf-NotoSansCJK-Regular`` package provides one: a PDF
        without it would print Chinese as empty boxes.
    """
    found = _fontconfig_zh() or _package_font()
    if found is not None and found[0].exists():
        return _single_face(*found)
    raise ZerocarbonError(
        "找不到中文字体，无法生成 PDF：请安装含中文的字体（如 fonts-noto-cjk）或 Python 包 cvttf-NotoSansCJK-Regular",
        "no Chinese font found, so no PDF can be written: install a font with Chinese (fonts-noto-cjk) or the "
        "Python package cvttf-NotoSansCJK-Regular", field="font")


def _css_text(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def _widths(table: str, percents: tuple[int, ...]) -> str:
    """Column widths [%] of a fixed-layout table, by its class."""
    return "\n".join(f"table.{table} th:nth-child({i}) {{ width: {w}%; }}" for i, w in enumerate(percents, start=1))


def print_css(header: str, lang: str) -> str:
    """The print stylesheet: font, A4 page box with header and page numbers, tables that fit the page."""
    font = cjk_font()
    before, _, after = t("pdf.page", lang).partition("{page}")
    middle, _, end = after.partition("{pages}")
    pages = f'{_css_text(before)} counter(page) {_css_text(middle)} counter(pages) {_css_text(end)}'
    # Chinese pages take the CJK font's Latin too (one look); English pages keep DejaVu for Latin
    families = f'"{CJK_FAMILY}", sans-serif' if lang == "zh" else f'"DejaVu Sans", "{CJK_FAMILY}", sans-serif'
    return f"""
@font-face {{ font-family: "{CJK_FAMILY}"; src: url("{font.path.resolve().as_uri()}"); font-weight: {font.weight}; }}
@page {{
  size: A4; margin: 18mm 12mm 16mm;
  @top-left {{ content: {_css_text(header)}; font-size: 8pt; color: #5f6b72; font-family: "{CJK_FAMILY}"; }}
  @bottom-right {{ content: {pages}; font-size: 8pt; color: #5f6b72; font-family: "{CJK_FAMILY}"; }}
}}
html {{ font-size: 9pt; }}
body, code, table, svg text, .page-head, h1, h2, h3 {{ font-family: {families} !important; }}
body {{ line-height: 1.4; }}
.page-head, main, footer {{ max-width: none; padding: 0; }}
.lang-switch, .toc, .banner.warn {{ display: none; }}
.scroll {{ overflow: visible; }}
h2 {{ break-after: avoid; margin-top: 1.2em; }}
h3, h4 {{ break-after: avoid; }}
table {{ width: 100%; table-layout: auto; }}
table.compact, table.headline, table.kv {{ width: auto; }}
th, td {{ overflow-wrap: break-word; }}
/* wide tables: fixed layout, so the columns are not measured word by word (slow) and never run off the page */
table.dense, table.facilities, table.print-trace {{ table-layout: fixed; }}
thead th, th.num, .nowrap {{ white-space: normal !important; }}
table.dense {{ font-size: 6.5pt; }}
table.dense th, table.dense td {{ padding: 2px 3px; }}
table.factors td:first-child, table.factors td.source {{ min-width: 0; max-width: none; }}
thead {{ display: table-header-group; }}
table:not(.dense) tr, .chart, .sign-box, .view-block, .declaration {{ break-inside: avoid; }}
table.dense tr {{ break-inside: auto !important; }}
/* the wide tables the screen scrolls sideways: fixed layout, small type, inside the page */
.scroll > table {{ table-layout: fixed; width: 100% !important; min-width: 0; font-size: 6.5pt; }}
table.factors details.note {{ font-size: 5.5pt; max-width: none; }}
{_widths("factors", (17, 8, 6, 5, 16, 6, 7, 6, 13, 7, 9))}
{_widths("print-trace", (13, 12, 17, 28, 24, 6))}
{_widths("facilities", (10, 18, 14, 32, 12, 14))}
{_widths("monitoring", (12, 12, 12, 14, 11, 17, 14, 8))}
{_widths("register", (8, 10, 10, 8, 9, 9, 7, 8, 8, 9, 9, 5))}
.badge {{ white-space: normal !important; }}
#uncertainty table.dense th:nth-child(4) {{ width: 62%; }}
details.trace {{ break-inside: auto; }}
details > summary {{ list-style: none; font-weight: 600; }}
.chart {{ border: none; padding: 0; }}
svg.site-svg, svg.print-chart {{ max-width: 100%; }}
#trace {{ break-before: page; }}
a {{ color: inherit; text-decoration: none; }}
"""


def render_inventory_pdf(data: InventoryInput, inventories: Mapping[int, Inventory], year: int,
                         comparison: Mapping[str, Any] | None, out_dir: Path, lang: str = "zh",
                         metering: Mapping[str, Any] | None = None,
                         efficiency: Mapping[str, Any] | None = None) -> Path:
    """Write ``out_dir/inventory_report.{zh-CN|en}.pdf``: the report of ``year`` with the print stylesheet.

    Parameters are those of :func:`zerocarbon.reports.html.render_inventory_html`.

    Returns
    -------
    Path
        The PDF written.
    """
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    code = normalise_lang(lang)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    html = inventory_page(data, inventories, year, comparison, code, metering, efficiency, printed=True)
    factory = data.factory
    name = factory.name_zh if code == "zh" else (factory.name_en or factory.name_zh)
    header = f"{name} · {t('title', code)} {year}"
    path = out_dir / pdf_filename(code)
    fonts = FontConfiguration()  # the @font-face rule is loaded only through a font configuration shared by both
    css = CSS(string=print_css(header, code), font_config=fonts)
    HTML(string=html, base_url=str(out_dir)).write_pdf(path, stylesheets=[css], font_config=fonts)
    return path


def html_to_pdf(html: str, path: Path, header: str, lang: str, extra_css: str = "") -> Path:
    """Print a report page ``html`` (one language, no script) to the A4 PDF ``path`` with the print stylesheet.

    ``extra_css`` is added after :func:`print_css` (a report's own print rules). Returns ``path``.
    """
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    code = normalise_lang(lang)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fonts = FontConfiguration()
    css = CSS(string=print_css(header, code) + "\n" + extra_css, font_config=fonts)
    HTML(string=html, base_url=str(path.parent)).write_pdf(path, stylesheets=[css], font_config=fonts)
    return path
