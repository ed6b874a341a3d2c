"""GB 19762-2025 表2: chemical-process pumps (化工泵), graded from the transcribed polynomials.

Source of every number: adgo07/EquipEffi, src/equipeffi/resources/standards/pump.json (commit
1a74ff4cc07e9068783a370ec4269e89245cef38), key ``chemical`` (η_b and Δη coefficients; offsets data_id
GB19762-R000011..R000026, PDF pp. 8-9). The limits are checked against an independent float evaluation of the
same formula written out here (math.log, plain powers), and two cases by hand:

* single-stage, Q = 500 m³/h, ns in 120–210 (Δη = 0, offsets R000017: +3 / +2 / −5):
  η_b(ln 500) = 80.22 % (evaluated by hand in floats) → η_1/η_2/η_3 = 83.22 / 82.22 / 75.22 %;
* the polynomials meet at the band edges: Δη(120) ≈ 0 and Δη(210) ≈ 0 (a mistyped coefficient breaks this).
"""

from __future__ import annotations

import math
from decimal import Decimal as D
from itertools import pairwise

import pytest

from zerocarbon.energy.equipment import Equipment
from zerocarbon.energy.grading import grade_device
from zerocarbon.energy.pumps import specific_speed
from zerocarbon.energy.pumps_chemical import chemical_limits, load_chemical_table

ETA_B = {"single_stage": (4.7057338e-05, -0.0066320555, 0.15115754, -1.4023278, 5.5234828, -0.83298912, 41.951745),
         "multistage": (0.00055836234, -0.012499816, 0.099576648, -0.46811292, 1.9459872, 1.4371144, 41.467097)}
D_LOW = (3.7873403e-10, -1.7898913e-07, 3.4269717e-05, -0.0034148047, 0.1905063, -6.0391904, 98.970658)
D_HIGH = (-1.1111111e-10, 1.6769231e-07, -0.00010507265, 0.03498704, -6.529872, 647.73909, -26684.155)


def _poly(p: tuple[float, ...], x: float) -> float:
    return sum(c * x ** (6 - k) for k, c in enumerate(p))


def pump(kind: str = "chemical_single_stage", q: str = "500", h: str = "30", n: str = "1450", stages: int = 1,
         eta: str = "80") -> Equipment:
    return Equipment(code="CP", kind="pump", pump_type=kind, flow_m3h=D(q), head_m=D(h),  # type: ignore[arg-type]
                     speed_rpm=D(n), stages=stages, efficiency_pct=D(eta))


@pytest.mark.parametrize(("eta", "outcome", "grade"), [
    ("83.3", "graded", 1), ("83.2", "graded", 2), ("82.3", "graded", 2), ("82.2", "graded", 3),
    ("75.3", "graded", 3), ("75.2", "below_minimum", None),
])
def test_hand_checked_single_stage_500(eta: str, outcome: str, grade: int | None) -> None:
    """Q = 500 m³/h, 1450 r/min, 30 m: ns = 153.9 (Δη = 0); limits 83.22 / 82.22 / 75.22 %."""
    result = grade_device(pump(eta=eta))
    assert (result.outcome, result.grade) == (outcome, grade)
    assert [r.limit_text for r in result.rows] == ["83.22", "82.22", "75.22"]
    assert result.rows[0].row_id == "GB19762-2025.T2.offset.single_stage.Q300-up.ns120-210.g1"
    assert all(r.status == "unverified" and "R000017" in r.source for r in result.rows)
    assert "ns = 153.9" in result.reason_en and "table 2" in result.reason_en


@pytest.mark.parametrize(("kind", "q", "h", "n", "stages"), [
    ("single_stage", "100", "50", "2900", 1),     # ns 93.8: Δη from the 20–120 polynomial
    ("single_stage", "20", "80", "2900", 1),      # ns 29: 20 ≤ ns < 60
    ("multistage", "50", "200", "2900", 4),       # ns 66.3
    ("multistage", "400", "40", "2900", 1),       # ns 250: Δη from the 210–300 polynomial, Q > 300
    ("single_stage", "5000", "60", "1450", 1),    # Q > 3000: η_b at 3000
])
def test_against_an_independent_float_evaluation(kind: str, q: str, h: str, n: str, stages: int) -> None:
    ns = specific_speed(D(n), D(q), D(h), stages)
    limits = chemical_limits(kind, D(q), ns)
    x = float(ns)
    delta = _poly(D_LOW, x) if x < 120 else (_poly(D_HIGH, x) if x > 210 else 0.0)
    eta0 = _poly(ETA_B[kind], math.log(min(float(q), 3000.0))) - delta
    offsets = next(r.offsets for r in load_chemical_table() if r.kind == "offset" and r.pump == kind
                   and r.holds_q(D(q)) and r.holds_ns(ns))
    assert [float(lim.min_efficiency_pct) for lim in limits] == pytest.approx([eta0 + float(o) for o in offsets],
                                                                              abs=1e-6)
    assert limits[0].min_efficiency_pct > limits[1].min_efficiency_pct > limits[2].min_efficiency_pct


def test_polynomials_meet_at_the_band_edges() -> None:
    rows = {r.row_id.split(".", 2)[2]: r for r in load_chemical_table() if r.kind != "offset"}
    assert abs(rows["delta_eta.ns_20_120"].polynomial(D(120))) < D("0.05")
    assert abs(rows["delta_eta.ns_210_300"].polynomial(D(210))) < D("0.05")
    assert rows["delta_eta.ns_20_120"].polynomial(D(60)) > 0 and rows["delta_eta.ns_210_300"].polynomial(D(300)) > 0
    single, multi = rows["eta_b.single_stage"], rows["eta_b.multistage"]
    flows = [D(q).ln() for q in (6, 50, 300, 3000)]
    assert all(single.polynomial(a) < single.polynomial(b) for a, b in pairwise(flows))
    assert all(multi.polynomial(x) < single.polynomial(x) for x in flows)


def test_offset_rows_cover_every_band_once() -> None:
    offsets = [r for r in load_chemical_table() if r.kind == "offset"]
    assert len(offsets) == 16
    for kind in ("single_stage", "multistage"):
        for q in (D(6), D(300), D("300.1"), D(3000)):
            for ns in (D(20), D("59.9"), D(60), D(120), D(210), D("210.1"), D(300)):
                assert sum(r.pump == kind and r.holds_q(q) and r.holds_ns(ns) for r in offsets) == 1
        assert all(r.offsets[0] > r.offsets[1] > r.offsets[2] for r in offsets)


@pytest.mark.parametrize(("q", "h", "n"), [
    ("5", "20", "2900"),        # Q = 5 m³/h: the lowest band is 5 < Q ≤ 300
    ("100", "200", "1450"),     # ns ≈ 8.5 < 20
    ("3000", "10", "2900"),     # ns > 300
])
def test_out_of_scope_never_snapped(q: str, h: str, n: str) -> None:
    result = grade_device(pump(q=q, h=h, n=n))
    assert result.outcome == "out_of_scope" and result.rows == () and "table 2" in result.reason_en


def test_incomplete() -> None:
    device = Equipment(code="CP", kind="pump", pump_type="chemical_multistage", flow_m3h=D(50), head_m=D(100),
                       efficiency_pct=D(60))
    assert grade_device(device).outcome == "incomplete"


def test_clean_water_grader_refuses_a_chemical_pump() -> None:
    """grade_device sends 化工泵 to pumps_chemical; the clean-water grader never grades them by 表3."""
    from zerocarbon.energy.pumps import grade_pump
    from zerocarbon.errors import InputError

    with pytest.raises(InputError):
        grade_pump(pump())
