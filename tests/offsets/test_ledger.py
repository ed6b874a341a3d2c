"""Each double-counting and validity rule of the ledger, refused with its reason; the claims it feeds."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from pydantic import TypeAdapter, ValidationError

from zerocarbon.offsets.instruments import Event, Instrument
from zerocarbon.offsets.ledger import build_ledger

EVENTS = TypeAdapter(list[Event])


def gec(id_: str, a: int, b: int, month: str = "2024-03", **kw: Any) -> dict[str, Any]:
    return {
        "event": "purchase",
        "date": "2024-04-01",
        "instrument": {
            "id": id_,
            "kind": "gec",
            "prefix": "GEC-",
            "serial_from": a,
            "serial_to": b,
            "production_month": month,
            **kw,
        },
    }


def retire(id_: str, when: str = "2024-12-31", period: str = "2024", **kw: Any) -> dict[str, Any]:
    return {"event": "retire", "date": when, "instrument": id_, "period": period, "proof": "RET-1", **kw}


def run(*events: dict[str, Any]):  # type: ignore[no-untyped-def]
    return build_ledger("F1", EVENTS.validate_python(list(events)))


def rules(ledger) -> list[str]:  # type: ignore[no-untyped-def]
    return [r.rule for r in ledger.refusals]


def test_a_serial_is_recorded_once_and_retires_once() -> None:
    led = run(gec("A", 1, 100), gec("B", 50, 150), retire("A"), retire("A", serial_from=1, serial_to=10))
    assert rules(led) == ["serial-once", "retire-once"]
    assert "重叠" in led.refusals[0].reason_zh and "overlap" in led.refusals[0].reason_en
    assert led.claims("2024")["gec_mwh"] == Decimal(100)
    partial = run(
        gec("A", 1, 100),
        retire("A", serial_from=1, serial_to=40),
        retire("A", serial_from=30, serial_to=60),
        retire("A", serial_from=41, serial_to=100),
    )
    assert rules(partial) == ["retire-once"]
    assert partial.claims("2024")["gec_mwh"] == Decimal(100) and partial.held("A") == 0


def test_a_mwh_is_claimed_by_trade_or_by_certificate_never_both() -> None:
    contract = {
        "event": "purchase",
        "date": "2024-01-01",
        "instrument": {
            "id": "GP-2024",
            "kind": "green_contract",
            "monthly_mwh": {"2024-06": "500", "2024-07": "400"},
            "consumption_proof": "GP-PROOF-1",
        },
    }
    bundled = gec("G", 1, 500, "2024-06", bundled_with="GP-2024")
    by_trade_first = run(contract, bundled, retire("GP-2024", month="2024-06"), retire("G"))
    assert rules(by_trade_first) == ["trade-or-certificate"]
    assert by_trade_first.claims("2024") == {"gec_mwh": 0, "contract_mwh": Decimal(500), "credits_t": 0}
    by_cert_first = run(contract, bundled, retire("G"), retire("GP-2024", month="2024-07"))
    assert rules(by_cert_first) == ["trade-or-certificate"]
    twice = run(contract, retire("GP-2024", month="2024-06"), retire("GP-2024", month="2024-06"))
    assert rules(twice) == ["retire-once"]


def test_certificates_sold_from_onsite_generation_remove_its_claim() -> None:
    led = run(
        {
            "event": "issue",
            "date": "2024-02-05",
            "instrument": {
                "id": "PV",
                "kind": "gec",
                "prefix": "ON-",
                "serial_from": 1,
                "serial_to": 80,
                "production_month": "2024-01",
                "onsite": True,
                "origin": "grid",
            },
        },
        {"event": "sale", "date": "2024-03-01", "instrument": "PV", "serial_from": 1, "serial_to": 30, "to": "buyer"},
        retire("PV", serial_from=20, serial_to=40),
    )
    assert led.onsite_sold == {"2024-01": Decimal(30)}
    assert rules(led) == ["retire-once"]  # 20–30 were sold


def test_non_tradable_and_storage_certificates() -> None:
    led = run(
        gec("S", 1, 10, origin="self_consumed"),
        {"event": "transfer", "date": "2024-05-01", "instrument": "S", "to": "other"},
        gec("B", 20, 30, origin="storage"),
    )
    assert rules(led) == ["non-tradable", "no-gec-for-storage"]


@pytest.mark.parametrize(
    ("month", "on", "ok"),
    [
        ("2024-03", "2026-02-28", True),
        ("2024-03", "2026-03-01", False),  # two years from the production month
        ("2023-05", "2025-12-31", True),
        ("2023-05", "2026-01-01", False),  # pre-2024 electricity: to end-2025
    ],
)
def test_certificate_validity(month: str, on: str, ok: bool) -> None:
    led = run(gec("A", 1, 5, month), retire("A", when=on, period=on[:4]))
    assert rules(led) == ([] if ok else ["expired"])


def test_period_before_production_and_purpose_and_proof() -> None:
    assert rules(run(gec("A", 1, 5, "2024-06"), retire("A", period="2024-05"))) == ["before-production"]
    assert rules(run(gec("A", 1, 5), retire("A", purpose="offset"))) == ["purpose"]
    assert rules(run(gec("A", 1, 5), retire("A", proof=""))) == ["proof"]
    ccer = {
        "event": "purchase",
        "date": "2024-01-01",
        "instrument": {
            "id": "C1",
            "kind": "ccer",
            "prefix": "CCER-",
            "serial_from": 1,
            "serial_to": 1000,
            "vintage": 2024,
        },
    }
    led = run(ccer, retire("C1", purpose="scope2"), retire("C1", purpose="offset", serial_from=1, serial_to=600))
    assert rules(led) == ["purpose"] and led.claims("2024")["credits_t"] == Decimal(600)


def test_certificates_feed_the_accounting() -> None:
    led = run(gec("A", 1, 100, "2024-03", technology="集中式光伏"), retire("A", serial_from=1, serial_to=60))
    certs = led.certificates_for(2024)
    assert certs == [
        {
            "serial": "GEC-1-60",
            "mwh": "60",
            "generation_period": "2024-03",
            "retired": True,
            "retired_for": "2024",
            "bundled_with": None,
            "technology": "集中式光伏",
            "evidence": "",
            "retirement_proof": "RET-1",
        }
    ]
    from zerocarbon.model.inventory_input import Certificate

    Certificate.model_validate(certs[0])


def test_instruments_validate_their_shape() -> None:
    with pytest.raises(ValidationError):
        Instrument(id="x", kind="gec", serial_from=5, serial_to=1, production_month="2024-01")
    with pytest.raises(ValidationError):
        Instrument(id="x", kind="ccer", serial_from=1, serial_to=2)
    with pytest.raises(ValidationError):
        Instrument(id="x", kind="green_contract", monthly_mwh={"2024-13": Decimal(1)})
    assert Instrument(id="x", kind="gec", serial_from=1, serial_to=1, production_month="2023-11").valid_until() == date(
        2025, 12, 31
    )
