"""Every factor row names a source a reader can find (issue 10, "The report", first point).

A note or source column must name a document (title, number, edition, table or clause) and a URL or a
public repository path. It never cites a search tool's lookup id, never the researcher's memory, and
never the project's internal research notes (``standards-cn``). A row marked ``verified`` names at least
two sources or an official URL; everything else is ``single-source`` or ``unverified``
(docs/factor-library.md, "What the status means").
"""

from __future__ import annotations

import csv
import re
from importlib import resources
from pathlib import Path

import pytest

from zerocarbon.factors.library import FACTOR_FILES

DATA = Path(str(resources.files("zerocarbon.factors") / "data"))
TEXT_COLUMNS = ("source_document", "edition", "clause", "note")

#: Working-note markers that a reader cannot follow.
FORBIDDEN = (
    ("find_string", re.compile(r"find_string", re.IGNORECASE)),
    ("memory", re.compile(r"memory", re.IGNORECASE)),
    ("search id", re.compile(r"\bids?\s*[:#]?\s*\d{3,}", re.IGNORECASE)),
    ("internal research notes", re.compile(r"standards-cn", re.IGNORECASE)),
    ("research-note label", re.compile(r"\[(?:M|S|V)\]")),
)
_URL = re.compile(r"https?://[^\s,;)）\"]+")
_BARE_URL = re.compile(r"(?<![/\w.:-])(?:[a-z0-9-]+\.)+(?:com|cn|net|org|cc|jp|int|ai)/[^\s,;)）\"]+")
_REPO_PATH = re.compile(r"\b[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+:[A-Za-z0-9_./-]+")
#: Publishers whose own site carries the official text.
OFFICIAL_HOSTS = ("mee.gov.cn", "openstd.samr.gov.cn", "ipcc-nggip.iges.or.jp", "ipcc.ch")


def _rows() -> list[tuple[str, int, dict[str, str]]]:
    out = []
    for name in (*FACTOR_FILES, "data_quality.csv"):
        with (DATA / name).open(encoding="utf-8", newline="") as fh:
            for line_no, row in enumerate(csv.DictReader(fh), start=2):
                out.append((name, line_no, row))
    return out


ROWS = _rows()


def _where(name: str, line_no: int, row: dict[str, str]) -> str:
    return f"{name}:{line_no} {row.get('factor_id') or row.get('tier')}"


def sources_named(text: str) -> set[str]:
    """The distinct URLs and ``owner/repo:path`` references in ``text``, scheme and slash stripped."""
    found = {u.split("://", 1)[1].rstrip("/.") for u in _URL.findall(text)}
    found |= {u.rstrip("/.") for u in _BARE_URL.findall(text)}
    found |= {p.rstrip(".") for p in _REPO_PATH.findall(text) if "://" not in p}
    return found


def names_official_url(text: str) -> bool:
    return any(host in url.split("/", 1)[0] for url in sources_named(text) for host in OFFICIAL_HOSTS)


def test_rows_were_read() -> None:
    assert len(ROWS) > 300


@pytest.mark.parametrize(("label", "pattern"), FORBIDDEN, ids=[f[0] for f in FORBIDDEN])
def test_no_working_notes_in_sources(label: str, pattern: re.Pattern[str]) -> None:
    bad = [f"{_where(n, i, r)} [{col}]" for n, i, r in ROWS for col in TEXT_COLUMNS
           if col in r and pattern.search(r[col])]
    assert not bad, f"{label} cited instead of a findable source: {bad[:10]} ({len(bad)} in all)"


def test_every_factor_row_names_document_and_edition() -> None:
    bad = [_where(n, i, r) for n, i, r in ROWS if "source_document" in r
           and not (r["source_document"].strip() and r["edition"].strip())]
    assert not bad, bad


def test_verified_rows_name_two_sources_or_an_official_url() -> None:
    bad = []
    for name, line_no, row in ROWS:
        if row.get("status") != "verified":
            continue
        text = " ".join(row.get(col, "") for col in (*TEXT_COLUMNS, "basis"))
        if not (names_official_url(text) or len(sources_named(text)) >= 2):
            bad.append(_where(name, line_no, row))
    assert not bad, f"verified without two named sources or an official URL: {bad}"


def test_source_detection() -> None:
    """The helpers count what a reader can follow, and nothing else."""
    assert sources_named("Read from adgo07/GHGTOOL:data-source/carbon_accounting/catalog.json (commit 9955ee88).") \
        == {"adgo07/GHGTOOL:data-source/carbon_accounting/catalog.json"}
    assert len(sources_named("pages http://a.com/x.html, https://b.cn/y and wanglu.net/thread/t1.html")) == 3
    assert sources_named("an unnamed public React component (no source named)") == set()
    assert names_official_url("official page https://openstd.samr.gov.cn/bzgk/std/newGbInfo?hcno=E32D")
    assert not names_official_url("https://daydaynews.cc/zh-hant/finance/3899452.html")
