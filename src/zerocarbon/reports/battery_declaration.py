"""The EU battery carbon-footprint declaration (Regulation (EU) 2023/1542 Art. 7(1)) as a one-page HTML and PDF.

Renders what it is given: the plain dict of a declaration
(:meth:`zerocarbon.footprint.eu_battery.EuBatteryDeclaration.form`). One file per language
(``battery_declaration_eu_<product>.{zh-CN|en}.html`` / ``.pdf``); the PDF is printed by WeasyPrint with the
report builder's print stylesheet (:func:`zerocarbon.reports.pdf.html_to_pdf`). The page shows the points
(a)-(g) of Article 7(1), the stages of Annex II point 4, the functional unit and the study's method choices,
and says what is not adopted (the methodology act, performance classes) instead of inventing it.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from zerocarbon import __version__
from zerocarbon.reports.footprint import num, pct
from zerocarbon.reports.i18n import LANG_CODES, normalise_lang
from zerocarbon.reports.messages_battery import bl

#: Print rules of the declaration: it fits one A4 page.
PRINT_CSS = """
html { font-size: 8.6pt !important; }
body { line-height: 1.25 !important; }
h1 { font-size: 1.45rem !important; margin: .1em 0 !important; }
h2 { font-size: 1.05rem !important; margin: .6em 0 .25em !important; }
.page-head { padding-top: 0 !important; padding-bottom: 3px !important; }
.kicker, .subtitle { margin: 0 !important; }
.banner { margin: 4px 0 !important; padding: 3px 8px !important; }
th, td { padding: 2.5px 5px !important; }
table { width: 100% !important; margin: .15em 0 .3em !important; }
.decl th { width: 34%; }
.decl td.big { font-size: 1.15rem !important; }
ul { margin: .15em 0 !important; }
p { margin: .25em 0 !important; }
"""


def declaration_filename(product: str, lang: str, suffix: str = "html") -> str:
    """``battery_declaration_eu_<product>.zh-CN.html`` and the like."""
    return f"battery_declaration_eu_{product}.{LANG_CODES[normalise_lang(lang)]}.{suffix}"


def declaration_page(form: Mapping[str, Any], product_name: str, lang: str = "zh") -> str:
    """The declaration as HTML text in ``lang`` (``zh`` or ``en``)."""
    code = normalise_lang(lang)
    env = Environment(loader=PackageLoader("zerocarbon.reports", "templates"), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.globals.update(bl=lambda key, **kw: bl(key, code).format(**kw) if kw else bl(key, code), num=num, pct=pct)
    missing = "、".join if code == "zh" else "; ".join
    return env.get_template("battery_declaration.html.j2").render(
        d=form, name=product_name, L=code, html_lang=LANG_CODES[code], version=__version__,
        missing=missing(bl(f"eu.missing.{k}", code) for k in form["missing"]))


def render_declaration(form: Mapping[str, Any], product: str, product_name: str, out_dir: Path, lang: str = "zh",
                       *, pdf: bool = True) -> list[Path]:
    """Write the declaration's page (and its PDF unless ``pdf`` is False) in ``lang``; returns the files."""
    code = normalise_lang(lang)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    html = declaration_page(form, product_name, code)
    page = out_dir / declaration_filename(product, code)
    page.write_text(html, encoding="utf-8")
    files = [page]
    if pdf:
        from zerocarbon.reports.pdf import html_to_pdf

        header = f"{bl('eu.title', code)} · {form['b_model']}"
        files.append(html_to_pdf(html, out_dir / declaration_filename(product, code, "pdf"), header, code, PRINT_CSS))
    return files
