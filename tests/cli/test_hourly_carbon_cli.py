"""``zerocarbon readings hourly-carbon``: the year's hourly carbon written chunk by chunk, the same rows as the API."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pyarrow.parquet as pq
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
