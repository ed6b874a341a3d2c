from __future__ import annotations

from zerocarbon.assessment.centre import centre_functions, functions_met, self_check


def test_thirteen_functions_checked_by_evidence_or_declaration() -> None:
    funcs = centre_functions()
    assert len(funcs) == 13 and funcs[0].name_zh == "能耗查询" and funcs[7].name_zh == "碳排放核算"
    checks = self_check(
        {"meter_readings": ("35 块表计", "35 meters"), "inventory": ("2023 年清单", "2023 inventory"), "budgets": None},
        declared=frozenset({7, 10}),
    )
    status = {c.function.id: c.status for c in checks}
    assert status[1] == "evidenced" and status[8] == "evidenced"
    assert status[7] == "declared" and status[10] == "declared"
    assert status[2] == "missing"
    assert functions_met(checks) == 4
    assert checks[0].evidence("en") == "35 meters"
