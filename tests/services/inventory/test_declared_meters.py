"""Meters and the declared file that do not fit together: the factory's own located error.

Issue 10: a meter on a node the declared file does not list as a facility made
``run_store_inventory`` raise a pydantic ValidationError out of ``merge_metered`` (a 500 on every
face). It is an :class:`~zerocarbon.errors.InputError` naming each meter and node, the file by its
name only (never the server's folder it was read from), in Chinese and English.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from tests.api.conftest import OURS, readings_doc, setup_doc

from zerocarbon.errors import InputError, InputErrors
from zerocarbon.model.metering import FactorySetup
from zerocarbon.services.inventory.runs import run_store_inventory
from zerocarbon.services.metering.feeds import ReadingBatchIn, push_batch
from zerocarbon.services.metering.setup import save_setup


def declared(folder: Path, facilities: list[str]) -> Path:
    doc = {"schema_version": 1,
           "factory": {"id": OURS, "name_zh": "本省示范工厂", "province": "江苏",
                       "facilities": [{"id": f, "name_zh": f} for f in facilities]},
           "activity": [{"id": "DSL-2023", "facility": facilities[0], "category": "fuel_combustion", "item": "柴油",
                         "amount": "2.5", "unit": "t", "period": "2023", "source": "加油发票",
                         "data_quality": "invoice"}]}
    path = folder / "deep" / "server" / "folder" / "申报.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture
def factory(store_url: str) -> str:
    save_setup(FactorySetup.model_validate(setup_doc(OURS, "本省示范工厂", "江苏")), store_url)
    push_batch(ReadingBatchIn.model_validate(readings_doc(days=1)), OURS, store_url, client="test")
    return store_url


def test_a_meter_on_an_undeclared_node_is_named(factory: str, tmp_path: Path) -> None:
    path = declared(tmp_path, ["SITE"])  # meter E1 hangs on L1
    with pytest.raises(InputError) as caught:
        run_store_inventory(OURS, 2023, url=factory, declared=path, mc_draws=0)
    err = caught.value
    assert not isinstance(err, InputErrors)
    assert err.file == "申报.yaml" and err.field == "factory.facilities"
    assert err.details == {"meters": ["E1"], "node": "L1"}
    for lang in ("zh", "en"):
        text = err.message(lang)
        assert "E1" in text and "L1" in text and "SITE" in text and str(tmp_path) not in text
    assert "表计 E1 安装在节点 L1 上" in err.message("zh")
    assert "meter E1 is on node L1" in err.message("en")


def test_every_undeclared_node_at_once(factory: str, tmp_path: Path) -> None:
    path = declared(tmp_path, ["OTHER"])  # neither L1 (E1) nor SITE (G1)
    with pytest.raises(InputErrors) as caught:
        run_store_inventory(OURS, 2023, url=factory, declared=path, mc_draws=0)
    assert sorted(p.details["node"] for p in caught.value.problems) == ["L1", "SITE"]  # type: ignore[type-var]
    assert "2 个计量节点" in caught.value.message("zh")


def test_a_fitting_file_still_merges(factory: str, tmp_path: Path) -> None:
    run = run_store_inventory(OURS, 2023, url=factory, declared=declared(tmp_path, ["SITE", "L1"]), mc_draws=0)
    assert {r.line.id for r in run.inventory.lines} >= {"DSL-2023"}
    assert any(r.line.meters == ("E1",) for r in run.inventory.lines)
    # locations name the file as the user knows it, not the folder it was read from
    assert run.loaded.locations["DSL-2023"]["file"] == "申报.yaml"
    assert str(tmp_path) not in str(run.to_dict())
