"""One factory's bad data is that factory's own located error, never a 500 and never another's problem.

Issue 10: a factory whose meter hangs on a node its declared activity file does not list as a
facility made its inventory, its sign-off and its overview answer 500 (a pydantic ValidationError
escaped ``merge_metered``), and the portfolio of the admin and of the province's authority with it.
Here factory A (江苏, meters E1 on node L1 and G1 on SITE, see conftest.py) gets a declared file that
lists SITE only; the foreign factory B stays as it is.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import yaml
from tests.api.conftest import FOREIGN, OURS, World, build_world

EN = {"Accept-Language": "en"}


def declared_without_l1() -> bytes:
    doc = {"schema_version": 1,
           "factory": {"id": OURS, "name_zh": "本省示范工厂", "province": "江苏",
                       "facilities": [{"id": "SITE", "name_zh": "厂区"}]},
           "activity": [{"id": "DSL-2023", "facility": "SITE", "category": "fuel_combustion", "item": "柴油",
                         "amount": "2.5", "unit": "t", "period": "2023", "source": "加油发票",
                         "data_quality": "invoice"}]}
    return yaml.safe_dump(doc, allow_unicode=True).encode("utf-8")


@pytest.fixture(scope="module")
def broken(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """The world of conftest.py (SQLite), built once for this module: every test here only reads it
    (a refused sign-off writes nothing)."""
    from zerocarbon.services import dashboard
    from zerocarbon.store.db import get_engine, migrate

    url = f"sqlite:///{tmp_path_factory.mktemp('factory_errors') / 'store.db'}"
    migrate(url)
    dashboard.cache_clear()
    world = build_world(url)
    r = world.client.post(f"/api/v1/factories/{OURS}/activity-files", headers=world.auth("admin"),
                          files={"file": ("活动数据.yaml", declared_without_l1(), "application/yaml")})
    assert r.status_code in (200, 201), r.text
    yield world
    world.client.close()
    get_engine(url).dispose()


@pytest.mark.parametrize(("method", "path"), [
    ("GET", f"/api/v1/factories/{OURS}/inventories/2023"),
    ("GET", f"/api/v1/factories/{OURS}/inventories/2023-01"),
    ("POST", f"/api/v1/factories/{OURS}/inventories/2023/signoff"),
    ("GET", f"/api/v1/dashboard/factories/{OURS}/overview?year=2023"),
    ("GET", f"/api/v1/dashboard/factories/{OURS}/inventory?year=2023"),
])
def test_the_factory_gets_its_own_located_error(broken: World, method: str, path: str) -> None:
    for lang, headers in (("zh", {}), ("en", EN)):
        r = broken.client.request(method, path, headers={**broken.auth("admin"), **headers},
                                  json={"note": "x"} if method == "POST" else None)
        assert r.status_code == 422, (path, r.status_code, r.text)
        error = r.json()["error"]
        assert error["code"] == "input.invalid"
        message = error["message"]
        assert "E1" in message and "L1" in message and "活动数据.yaml" in message, message
        if lang == "zh":
            assert "表计 E1 安装在节点 L1 上" in message
        else:
            assert "meter E1 is on node L1" in message and not any("\u4e00" <= c <= "\u9fff" for c in
                                                                    message.replace("活动数据", ""))
        # no machine path: the file is named as uploaded
        assert "/tmp" not in r.text and "zerocarbon-" not in r.text and "sqlite:" not in r.text
        assert error["details"]["details"] == {"meters": ["E1"], "node": "L1"}


@pytest.mark.parametrize("who", ["admin", "authority"])
def test_the_portfolio_shows_the_others_and_marks_the_broken_one(broken: World, who: str) -> None:
    for path in ("/api/v1/portfolio?year=2023", "/api/v1/dashboard/portfolio?year=2023"):
        r = broken.client.get(path, headers=broken.auth(who))
        assert r.status_code == 200, r.text
        rows = {f["id"]: f for f in r.json()["factories"]}
        assert "L1" in rows[OURS]["error"]["zh"] and "meter E1" in rows[OURS]["error"]["en"]
        assert "total" not in rows[OURS]
        if who == "admin":  # the authority of 江苏 does not see 浙江's factory at all
            assert rows[FOREIGN]["rank"] == 1 and rows[FOREIGN]["total"]["value"] is not None
            assert "error" not in rows[FOREIGN]


def test_the_other_factory_is_untouched(broken: World) -> None:
    r = broken.client.get(f"/api/v1/factories/{FOREIGN}/inventories/2023", headers=broken.auth("admin"))
    assert r.status_code == 200
    r = broken.client.get(f"/api/v1/dashboard/factories/{FOREIGN}/overview?year=2023", headers=broken.auth("admin"))
    assert r.status_code == 200 and r.json()["totals"]["gbt32150_total"]["value"] is not None
