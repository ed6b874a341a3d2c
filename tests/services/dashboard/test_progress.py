"""The progress registry of long computations (what the dashboard polls)."""

from __future__ import annotations

from zerocarbon.services.dashboard.progress import current, tracking


def test_a_computation_is_visible_while_it_runs_and_gone_after() -> None:
    key = ("year", "sqlite:///x.db", "F", 2023)
    assert current(key) is None
    with tracking(key) as report:
        assert current(key) == {"stage": "start", "done": 0, "total": 0, "percent": None,
                                         "elapsed_s": current(key)["elapsed_s"]}  # type: ignore[index]
        report("meters", 3, 8)
        now = current(key)
        assert now is not None and (now["stage"], now["done"], now["total"], now["percent"]) == ("meters", 3, 8, 37.5)
        with tracking(key) as inner:  # nested use of the same key: one entry
            inner("engine", 0, 1)
        still = current(key)
        assert still is not None and still["stage"] == "engine"  # the inner block's end does not remove it
    assert current(key) is None


def test_an_error_still_removes_the_entry() -> None:
    key = ("year", "u", "G", 2024)
    try:
        with tracking(key):
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    assert current(key) is None
