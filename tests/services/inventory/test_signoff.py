"""Sign-offs of inventories: digests, the check after a change, and the audit commands, on both stores."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import insert, update
from typer.testing import CliRunner

from zerocarbon.cli.audit import audit_app
from zerocarbon.errors import InputError
from zerocarbon.ingest.pipeline import close_batch, ingest_table, open_batch
from zerocarbon.model.metering import FactorySetup
from zerocarbon.services.inventory.runs import InventoryRun, run_inventory, run_store_inventory
from zerocarbon.services.inventory.signoff import (
    check_signoff,
    get_signoff,
    inputs_digest,
    inputs_parts,
    inventory_digest,
    sign_off,
)
from zerocarbon.store import audit
from zerocarbon.store import schema as s
from zerocarbon.store.db import transaction
from zerocarbon.store.factories import load_meters, save_factory_setup
from zerocarbon.store.readings import correct_reading

T0 = 1_672_502_400  # 2023-01-01 00:00 +08:00
SETUP = FactorySetup.model_validate({
    "factory": {"id": "F", "name_zh": "测试厂", "province": "江苏"},
    "nodes": [{"code": "S", "kind": "site", "name_zh": "厂区"}],
    "meters": [
        {"code": "E1", "node": "S", "carrier": "electricity", "unit": "kWh", "register_kind": "interval",
         "category": "electricity_purchased"},
        {"code": "SUB", "node": "S", "carrier": "electricity", "unit": "kWh", "register_kind": "interval"},
    ],
})
runner = CliRunner()


def _factory(url: str) -> None:
    """Two days of quarter-hour readings of the metered meter and of an uncategorised sub-meter."""
    save_factory_setup(SETUP, url)
    batch = open_batch("test", "t", url=url, factory_id="F")
    n = 192
    report = ingest_table({"meter": ["E1"] * n + ["SUB"] * n, "ts": [T0 + 900 * i for i in range(n)] * 2,
                           "value": [10.0] * n + [4.0] * n}, "F", batch, "test", url, now=T0 + 10**7)
    close_batch(report, url=url)
    with transaction(url) as conn:
        conn.execute(insert(s.users).values(id=7, username="vera", password_hash="-", role="verifier", created_at=0))
        conn.execute(insert(s.users).values(id=8, username="dan", password_hash="-", role="data_entry", created_at=0))


def _run(url: str) -> InventoryRun:
    return run_store_inventory("F", 2023, url=url, mc_draws=0)


def test_digests_are_stable_and_store_runs_cover_readings(store_url: str, sample_path: Path) -> None:
    _factory(store_url)
    a, b = _run(store_url), _run(store_url)
    assert inventory_digest(a) == inventory_digest(b)
    assert inputs_digest(a, store_url) == inputs_digest(b, store_url)
    assert {"readings", "meters", "activity", "factor_library"} <= set(inputs_parts(a, store_url))
    declared = run_inventory(sample_path, 2023, mc_draws=0)
    assert "readings" not in inputs_parts(declared)
    assert inventory_digest(declared) == inventory_digest(run_inventory(sample_path, 2023, mc_draws=100))


def test_signoff_unchanged_then_a_correction_shows(store_url: str) -> None:
    """Signed, nothing changed → unchanged. A reading corrected afterwards → inputs (readings, and
    the monthly activity line) and results changed, the totals that moved, and the correction in
    the audit entries since."""
    _factory(store_url)
    with audit.acting_as("vera"):
        signoff_id = sign_off("F", "2023", _run(store_url), 7, "checked against invoices", store_url)
    status = check_signoff(signoff_id, _run(store_url), store_url)
    assert status.unchanged and not status.results_changed and not status.inputs_changed
    assert status.details["record_consistent"] and status.details["changes_since"] == []
    entry = audit.entries(store_url, action="inventory.signoff")[0]
    assert entry.actor == "vera" and entry.to_dict()["after"]["digest"] == get_signoff(signoff_id, store_url).digest

    meters = load_meters("F", store_url)
    correct_reading(meters["E1"].id, T0 + 900, 25.0, "register misread", "vera", store_url)
    status = check_signoff(signoff_id, _run(store_url), store_url)
    assert not status.unchanged and status.results_changed and status.inputs_changed
    assert {"readings", "activity"} <= set(status.details["inputs_parts_changed"])
    assert "gbt32150_total" in status.details["totals_changed"]
    assert [e["action"] for e in status.details["changes_since"]] == ["reading.correct"]
    assert audit.verify(store_url).ok


def test_a_change_that_moves_no_figure_is_an_input_change(store_url: str) -> None:
    """A corrected reading of a meter that feeds no category: the results stand, the inputs do not."""
    _factory(store_url)
    signoff_id = sign_off("F", "2023", None, 7, "", store_url)  # no run given: the store inventory
    correct_reading(load_meters("F", store_url)["SUB"].id, T0, 5.0, "typo", url=store_url)
    status = check_signoff(signoff_id, _run(store_url), store_url)
    assert status.inputs_changed and not status.results_changed and not status.unchanged
    assert status.details["inputs_parts_changed"] == ["readings"]


def test_signoff_is_refused_and_an_edited_record_is_caught(store_url: str) -> None:
    _factory(store_url)
    run = _run(store_url)
    with pytest.raises(InputError, match="role"):
        sign_off("F", "2023", run, 8, "", store_url)
    with pytest.raises(InputError, match="period"):
        sign_off("F", "2023-01", run, 7, "", store_url)
    with pytest.raises(InputError, match="factory"):
        sign_off("G", "2023", run, 7, "", store_url)
    signoff_id = sign_off("F", "2023", run, 7, "", store_url)
    with transaction(store_url) as conn:  # someone rewrites the stored digest to match a later state
        conn.execute(update(s.signoffs).where(s.signoffs.c.id == signoff_id).values(digest="0" * 64))
    status = check_signoff(signoff_id, _run(store_url), store_url)
    assert not status.unchanged and not status.details["record_consistent"]


def test_audit_commands(store_url: str) -> None:
    _factory(store_url)
    db = ["--db", store_url]
    result = runner.invoke(audit_app, ["sign", "--factory", "F", "--period", "2023", "--user", "vera", *db])
    assert result.exit_code == 0, result.output
    signoff_id = audit.entries(store_url, action="inventory.signoff")[0].entity_id
    result = runner.invoke(audit_app, ["signoff-check", signoff_id, "--factory", "F", *db])
    assert result.exit_code == 0 and "unchanged" in result.output, result.output
    correct_reading(load_meters("F", store_url)["E1"].id, T0, 11.0, "misread", url=store_url)
    result = runner.invoke(audit_app, ["signoff-check", signoff_id, "--factory", "F", "--json", *db])
    assert result.exit_code == 1, result.output
    doc = json.loads(result.output)
    assert doc["inputs_changed"] and doc["results_changed"]
    result = runner.invoke(audit_app, ["log", "--factory", "F", "-n", "2", "--json", *db])
    assert [e["action"] for e in json.loads(result.output)["entries"]] == ["reading.correct", "inventory.signoff"]
    assert runner.invoke(audit_app, ["log", *db]).exit_code == 0
    result = runner.invoke(audit_app, ["verify", *db])
    assert result.exit_code == 0 and "OK" in result.output, result.output
    with transaction(store_url) as conn:
        conn.execute(update(s.audit_log).where(s.audit_log.c.id == 2).values(actor="mallory"))
    result = runner.invoke(audit_app, ["verify", *db])
    assert result.exit_code == 1 and "entry 2" in result.output, result.output
    result = runner.invoke(audit_app, ["signoff-check", signoff_id, "--factory", "G", *db])
    assert result.exit_code == 2
