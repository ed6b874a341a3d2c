"""The dashboard's efficiency page fills its table of quota indicators from the API's answer: the position between
the benchmark and baseline levels in the page's language, the levels' origin, and "not placed" for an indicator
without levels.

The page's own script is run under Node with a minimal stand-in for the DOM and ``fetch`` (no browser here; the
browser tests of tests/e2e check the filled page where Chromium is installed). The answer is the diagnosis of the
sample register with two quota rows of GB 21341-2022 硅铁 单位产品综合能耗: x = 1820 kgce/t, 2000 t, with the factory's
levels B = 1770, Z = 1850 → share (1850 − 1820) / 80 = 37.5 %, 50 kgce/t = 100 tce from the benchmark; and the same
value without levels.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from zerocarbon.api.app import create_app
from zerocarbon.api.settings import Settings
from zerocarbon.energy.levels import NO_LEVELS
from zerocarbon.energy.register import QuotaRow
from zerocarbon.services.demo.main import SAMPLE_EQUIPMENT
from zerocarbon.services.efficiency.diagnose import diagnose
from zerocarbon.services.efficiency.runs import load_register

NODE = shutil.which("node")
HARNESS = """
const fs = require("fs");
const [script, answer] = [fs.readFileSync(process.argv[2], "utf8"), JSON.parse(fs.readFileSync(process.argv[3]))];
const els = {};
const el = (id) => els[id] || (els[id] = {id, innerHTML: "", textContent: "", hidden: false, files: [],
                                        addEventListener() {}});
global.document = {getElementById: el, createElement: () => ({click() {}})};
global.sessionStorage = {getItem: () => null};
global.fetch = () => Promise.resolve({ok: true, status: 200, json: () => Promise.resolve(answer)});
eval(script);
setTimeout(() => process.stdout.write(JSON.stringify({table: el("eff-indicators").innerHTML,
                                                      none: el("eff-no-indicators").hidden})), 50);
"""


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    from zerocarbon.store.db import migrate

    url = f"sqlite:///{Path(tmp_path_factory.mktemp('eff')) / 'store.db'}"
    migrate(url)
    with TestClient(create_app(Settings(database_url=url))) as c:
        yield c


def answer(with_rows: bool) -> dict[str, Any]:
    fesi = "ferroalloy.ferrosilicon.comprehensive_energy"
    rows = (QuotaRow(product="硅铁", standard="gb21341-2022", indicator=fesi, value=D(1820), production_t=D(2000),
                     benchmark=D(1770), baseline=D(1850), levels_source="企业对标文件 表3"),
            QuotaRow(product="硅铁2", standard="gb21341-2022", indicator=fesi, value=D(1820))) if with_rows else ()
    register = load_register(SAMPLE_EQUIPMENT)
    return diagnose(register.model_copy(update={"quota": rows}), year=2023).to_dict()


def run_page(client: TestClient, lang: str, body: dict[str, Any], tmp_path: Path) -> dict[str, Any]:
    html = client.get("/dashboard/f/F-1/efficiency", params={"lang": lang}).text
    script = next(s for s in re.findall(r"<script>(.*?)</script>", html, re.S) if "eff-indicators" in s)
    (tmp_path / "page.js").write_text(script, encoding="utf-8")
    (tmp_path / "answer.json").write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "run.js").write_text(HARNESS, encoding="utf-8")
    assert NODE is not None
    out = subprocess.run([NODE, str(tmp_path / "run.js"), str(tmp_path / "page.js"), str(tmp_path / "answer.json")],
                         capture_output=True, text=True, timeout=30, check=True)
    return dict(json.loads(out.stdout))


@pytest.mark.skipif(NODE is None, reason="node not installed (the browser tests of tests/e2e cover the page)")
@pytest.mark.parametrize(("lang", "words", "other"), [
    ("zh", ["介于标杆与基准之间：已完成由基准 1850 至标杆 1770 的 37.5%；距标杆 50 kgce/t（100 tce）",
            "1770 / 1850 kgce/t", "用户提供", "企业对标文件 表3", NO_LEVELS[0]], "between the benchmark"),
    ("en", ["between the benchmark and the baseline: 37.5 % of the way from the baseline 1850 to the benchmark 1770; "
            "50 kgce/t (100 tce) to the benchmark", "user-supplied", '<span lang="zh">企业对标文件</span>',
            '<span lang="zh">硅铁</span>', NO_LEVELS[1]], "介于标杆"),
])
def test_the_page_shows_each_position(client: TestClient, tmp_path: Path, lang: str, words: list[str],
                                      other: str) -> None:
    got = run_page(client, lang, answer(True), tmp_path)
    assert got["none"] is True
    for word in words:
        assert word in got["table"], word
    assert other not in got["table"]
    assert got["table"].count("<tr") == 3  # the head and the two indicators


@pytest.mark.skipif(NODE is None, reason="node not installed (the browser tests of tests/e2e cover the page)")
def test_without_quota_rows_the_page_says_so(client: TestClient, tmp_path: Path) -> None:
    got = run_page(client, "en", answer(False), tmp_path)
    assert got["none"] is False and got["table"] == ""


@pytest.mark.skipif(NODE is None, reason="node not installed (the browser tests of tests/e2e cover the page)")
def test_the_value_is_shown_rounded(client: TestClient, tmp_path: Path) -> None:
    """A value computed from the inventory carries 28 digits (1820.1234567890123456789 here): shown to 2 places."""
    body = answer(True)
    body["indicators"][0]["value"] = "1820.1234567890123456789"
    got = run_page(client, "en", body, tmp_path)
    assert "1820.1234" not in got["table"] and "820.12 kgce/t" in got["table"]
