"""What a dashboard page may not show: the other language's words, machine paths, float noise.

Shared by the fast template test (tests/web/test_pages_language.py) and the browser tests
(tests/e2e/test_page_language.py). The rules (issue 10, "one language per page"):

* an English page has no Chinese characters, except proper names in Chinese (a factory's, product's
  or document's own name without an English one), which pages mark ``lang="zh"`` and the browser test
  leaves out, and the names listed in :data:`ZH_NAMES`;
* a Chinese page has no stretch without Chinese characters holding two or more English words (codes in
  capitals, units and the proper names of :data:`EN_ALLOWED` are not words: a single English word, a unit
  such as tCO2e or a code such as GB/T 32150 is fine);
* no page shows a machine path (``/tmp/``, ``/work/``, ``sqlite:``, ``file:``);
* no number is shown with 8 or more decimals (float noise such as 0.30000000000000004).
"""

from __future__ import annotations

import re

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
#: A stretch of a Chinese page without Chinese characters (a table cell, a number with its unit, a code …).
SEGMENT = re.compile(r"[^\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]+")
#: An English word: letters only, two or more, not all capitals (GB, IPCC, PV are codes, not words).
WORD = re.compile(r"^[(\[\"“]*([A-Za-z][a-z'’\-]+)[)\]\"”.,;:!?]*$")
#: Units spelt in letters, which are symbols in any language.
UNIT_WORDS = frozenset({"tce", "kgce", "kwh", "mwh", "gwh", "gj", "tj", "tco2e", "tco2", "nm", "kg", "pack", "pcs",
                        "set", "sets", "unit", "units", "ms", "min"})
#: Stretches of English words a Chinese page may show: proper names and standards.
EN_ALLOWED = frozenset({"GHG Protocol", "Asia/Shanghai"})
#: Chinese an English page may show besides the names marked lang="zh": the language switch, which names
#: the other language in that language (as language menus do).
ZH_NAMES: frozenset[str] = frozenset({"中文"})
MACHINE_PATH = re.compile(r"/tmp/|/work/|sqlite:|file:|/root/|/home/")
FLOAT_NOISE = re.compile(r"\d\.\d{8,}")


def problems(text: str, lang: str, names: frozenset[str] = ZH_NAMES) -> list[str]:
    """Every breach of the rules above in the visible ``text`` of a page in ``lang`` ("zh" or "en")."""
    found: list[str] = []
    if lang == "en":
        rest = text
        for name in sorted(names, key=len, reverse=True):
            rest = rest.replace(name, "")
        found += [f"Chinese in an English page: {m}" for m in sorted(set(_context(rest, CJK)))]
    else:
        rest = text
        for name in sorted(EN_ALLOWED, key=len, reverse=True):
            rest = rest.replace(name, " ")
        runs = {seg.group(0).strip() for seg in SEGMENT.finditer(rest) if _words(seg.group(0)) >= 2}
        found += [f"English in a Chinese page: {r!r}" for r in sorted(runs)]
    found += [f"machine path: {m}" for m in sorted(set(_context(text, MACHINE_PATH)))]
    found += [f"float noise: {m}" for m in sorted(set(_context(text, FLOAT_NOISE)))]
    return found


def _words(segment: str) -> int:
    """How many English words (not codes, not units) ``segment`` holds."""
    count = 0
    for token in segment.split():
        m = WORD.match(token)
        if m and m.group(1).lower() not in UNIT_WORDS:
            count += 1
    return count


def _context(text: str, pattern: re.Pattern[str]) -> list[str]:
    return [text[max(0, m.start() - 20):m.end() + 20].replace("\n", " ") for m in pattern.finditer(text)]
