"""``zerocarbon readings hourly-carbon``: the year's hourly carbon written chunk by chunk, the same rows as the API."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from tests.api.conftest import OURS, readings_doc, setup_doc
from typer.testing import CliRunner

from zerocarbon.cli.main import app
from zerocarbon.model.metering import FactorySetup
from zerocarbon.services.metering.activity import hourly_carbon
from zerocarbon.services.metering.feeds import ReadingBatchIn, push_batch
from zerocarbon.services.metering.setup import save_setup
from zerocarbon.store.db import migrate

runner = CliRunner()


def test_hourly_carbon_files(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    migrate(url)
    save_setup(FactorySetup.model_validate(setup_doc(OURS, "示范工厂", "江苏")), url)
    push_batch(ReadingBatchIn.model_validate(readings_doc()), OURS, url, client="seed")
    reference = hourly_carbon(OURS, 2023, url).to_pylist()
    out = tmp_path / "hours.parquet"
    result = runner.invoke(app, ["readings", "hourly-carbon", "--factory", OURS, "--year", "2023", "--out", str(out),
                                 "--db", url])
    assert result.exit_code == 0, result.output
    table = pq.read_table(out)
    assert [(r["meter"], r["ts"], r["co2_t"]) for r in table.to_pylist()] == \
        [(str(r["meter"]), r["ts"], r["co2_t"]) for r in reference]
    assert json.loads(table.schema.metadata[b"zerocarbon.method"])["factory"] == OURS
    csv_out = tmp_path / "e1.csv"
    result = runner.invoke(app, ["readings", "hourly-carbon", "--factory", OURS, "--year", "2023", "--out",
                                 str(csv_out), "--meter", "E1", "--month", "1", "--lang", "en", "--db", url])
    assert result.exit_code == 0, result.output
    text = csv_out.read_bytes()
    assert text.startswith(b"\xef\xbb\xbf# Hourly carbon (meter")
    lines = [ln for ln in io.StringIO(text[3:].decode()).read().splitlines() if not ln.startswith("# ")]
    assert lines[0].startswith("meter,month,local start,") and len(lines) == 1 + 48
    assert all(ln.startswith('"E1","2023-01"') for ln in lines[1:])
    bad = runner.invoke(app, ["readings", "hourly-carbon", "--factory", OURS, "--year", "2023", "--out",
                              str(tmp_path / "x.csv"), "--meter", "NOPE", "--db", url])
    assert bad.exit_code == 2 and "NOPE" in bad.output


def test_an_unknown_output_kind_is_refused(tmp_path: Path) -> None:
    """``--out hours.xlsx`` is refused before anything is written (it silently wrote CSV)."""
    url = f"sqlite:///{tmp_path / 'store.db'}"
    migrate(url)
    out = tmp_path / "hours.xlsx"
    result = runner.invoke(app, ["readings", "hourly-carbon", "--factory", OURS, "--year", "2023", "--out", str(out),
                                 "--db", url])
    assert result.exit_code == 2
    assert ".parquet" in result.output and not out.exists()


def test_hourly_totals_on_screen_and_as_files(tmp_path: Path) -> None:
    """``readings hourly-totals``: month × meter totals equal the hourly rows summed; shown, CSV or XLSX."""
    from openpyxl import load_workbook

    url = f"sqlite:///{tmp_path / 'store.db'}"
    migrate(url)
    save_setup(FactorySetup.model_validate(setup_doc(OURS, "示范工厂", "江苏")), url)
    push_batch(ReadingBatchIn.model_validate(readings_doc()), OURS, url, client="seed")
    rows = hourly_carbon(OURS, 2023, url).to_pylist()
    e1 = sum(r["co2_t"] for r in rows if str(r["meter"]) == "E1")
    shown = runner.invoke(app, ["readings", "hourly-totals", "--factory", OURS, "--year", "2023", "--by", "meter",
                                "--lang", "en", "--db", url], env={"COLUMNS": "200"})
    assert shown.exit_code == 0, shown.output
    assert "hourly carbon 2023 by meter" in shown.output and f"{e1:,.6f}" in shown.output
    out = tmp_path / "totals.xlsx"
    written = runner.invoke(app, ["readings", "hourly-totals", "--factory", OURS, "--year", "2023", "--by",
                                  "month,meter", "--out", str(out), "--db", url])
    assert written.exit_code == 0, written.output
    sheet = list(load_workbook(out)["汇总"].iter_rows(values_only=True))
    assert sheet[0][:3] == ("月份", "计量表", "二氧化碳排放 [tCO2]")
    # the exact sum of the hours (DECIMAL), which float addition of the same rows misses in the 16th digit
    exact = float(sum(Decimal(r["co2_t"]).quantize(Decimal("1e-12")) for r in rows if str(r["meter"]) == "E1"))
    assert {(r[0], r[1]): r[2] for r in sheet[1:]}[("2023-01", "E1")] == exact == pytest.approx(e1, rel=1e-14)
    bad = runner.invoke(app, ["readings", "hourly-totals", "--factory", OURS, "--year", "2023", "--by", "week",
                              "--db", url])
    assert bad.exit_code == 2 and "week" in bad.output
    wrong = runner.invoke(app, ["readings", "hourly-totals", "--factory", OURS, "--year", "2023", "--out",
                                str(tmp_path / "t.parquet"), "--db", url])
    assert wrong.exit_code == 2 and not (tmp_path / "t.parquet").exists()
