"""Virtual meters: values computed per interval from other meters by a formula (``M01 - M02``,
``sum(children)``, ``0.5 * M01``), from their intervals, in Arrow and DuckDB; none reads the store.

Split from :mod:`zerocarbon.timeseries.rollups` (the time and hierarchy roll-ups), whose rules of exact
sums and deterministic order apply: a virtual meter's terms run in input order.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import pyarrow as pa

from zerocarbon.errors import InputError
from zerocarbon.timeseries.intervals import (
    EXACT_TYPE,
    FLAG_INCOMPLETE,
    METER_SCHEMA,
    NODE_SCHEMA,
    conform,
    connect,
    fetch,
)
from zerocarbon.units import conversion_factor

CHILDREN = "sum(children)"
_NUMBER = re.compile(r"(\d+(?:\.\d*)?|\.\d+)\s*\*\s*")


def parse_formula(formula: str, codes: set[str]) -> list[tuple[Decimal, str]]:
    """Terms (coefficient, meter code or ``sum(children)``) of a virtual meter's formula.

    Grammar: ``term (('+' | '-') term)*`` with ``term = [number '*'] (code | sum(children))``, e.g.
    ``"M01 - M02"``, ``"M01 + M02 - M03"``, ``"sum(children)"``, ``"M01 - sum(children)"``,
    ``"0.5 * M01"``. Codes are matched against the known ``codes``, longest first, so a code may
    contain ``-``.

    Raises
    ------
    InputError
        An unknown code or a malformed formula, with the position.
    """
    known = sorted(codes, key=len, reverse=True)
    terms: list[tuple[Decimal, str]] = []
    pos, sign, expect_term = 0, Decimal(1), True
    text = formula.strip()

    def fail(what_zh: str, what_en: str) -> InputError:
        return InputError(f"虚拟表公式 “{formula}” 第 {pos + 1} 个字符：{what_zh}",
                          f"virtual meter formula '{formula}' at character {pos + 1}: {what_en}",
                          field="virtual_formula", expected="e.g. 'M01 - M02', 'M01 + M02 - M03', 'sum(children)'")

    while pos < len(text):
        if text[pos].isspace():
            pos += 1
            continue
        if not expect_term:
            if text[pos] not in "+-":
                raise fail("应为 + 或 -", "expected + or -")
            sign = Decimal(1) if text[pos] == "+" else Decimal(-1)
            pos += 1
            expect_term = True
            continue
        coeff = Decimal(1)
        number = _NUMBER.match(text, pos)
        if number:
            try:
                coeff = Decimal(number.group(1))
            except InvalidOperation:  # pragma: no cover - the pattern only matches numbers
                raise fail("系数无效", "bad coefficient") from None
            pos = number.end()
        if text.startswith(CHILDREN, pos):
            terms.append((sign * coeff, CHILDREN))
            pos += len(CHILDREN)
        else:
            code = next((c for c in known if text.startswith(c, pos)), None)
            if code is None:
                raise fail("未知的表计编号", "unknown meter code")
            terms.append((sign * coeff, code))
            pos += len(code)
        expect_term = False
    if expect_term:
        raise fail("公式不完整", "the formula is incomplete")
    return terms


@dataclass(frozen=True)
class VirtualValues:
    """Values of the virtual meters and the terms they were computed from."""

    values: pa.Table  # meter_id, ts, ts_end, value, flags, method, inputs_present, inputs_expected
    terms: pa.Table   # meter_id, input_id, input_code, coefficient (incl. unit conversion)


def evaluate_virtual(values: pa.Table, meters: pa.Table, nodes: pa.Table | None = None) -> VirtualValues:
    """Evaluate every virtual meter of ``meters`` per interval from the values of the others.

    ``sum(children)`` is the sum of the real meters of the same carrier attached to the child nodes
    of the virtual meter's node. Inputs in another unit of the same kind are converted to the
    virtual meter's unit (energy unit); a unit of another kind raises. A virtual meter may use other
    virtual meters (evaluated in dependency order; a cycle raises). At a time where an input has no
    value the virtual meter's value is null with FLAG_INCOMPLETE — a difference of partial inputs
    would be a wrong number, not a smaller one.

    Parameters
    ----------
    values : pa.Table
        meter_id, ts, ts_end, value, flags of the real meters (intervals or a roll-up), on common periods.
    meters, nodes : pa.Table
        :data:`METER_SCHEMA` and (for ``sum(children)``) :data:`NODE_SCHEMA`.
    """
    m = conform(meters, METER_SCHEMA)
    rows = m.to_pylist()
    by_code = {str(r["code"]): r for r in rows}
    parent = {}
    if nodes is not None:
        parent = {int(r["node_id"]): r["parent_id"] for r in conform(nodes, NODE_SCHEMA).to_pylist()}
    children_of: dict[int, list[int]] = defaultdict(list)
    for node, par in parent.items():
        if par is not None:
            children_of[int(par)].append(node)
    term_rows: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    deps: dict[int, set[int]] = {}
    virtual = [r for r in rows if r["is_virtual"]]
    for vm in virtual:
        vid = int(vm["meter_id"])
        formula = vm["virtual_formula"] or ""
        try:
            terms = parse_formula(formula, set(by_code))
        except InputError as exc:
            raise exc.with_location(row=None, field=f"meters[{vm['code']}].virtual_formula") from exc
        deps[vid] = set()
        for coeff, code in terms:
            if code == CHILDREN:
                if vm["node_id"] is None:
                    raise InputError(f"虚拟表 {vm['code']} 未挂在节点上，不能使用 sum(children)",
                                     f"virtual meter {vm['code']} has no node, so sum(children) means nothing",
                                     field="virtual_formula")
                kids = set(children_of.get(int(vm["node_id"]), []))
                inputs = [r for r in rows if r["node_id"] in kids and not r["is_virtual"]
                          and r["carrier"] == vm["carrier"]]
                if not inputs:
                    raise InputError(f"虚拟表 {vm['code']}：子节点上没有同类表计", f"virtual meter {vm['code']}: no "
                                     f"{vm['carrier']} meters on the child nodes for sum(children)",
                                     field="virtual_formula")
            else:
                inputs = [by_code[code]]
            for inp in inputs:
                factor = Decimal(1) if inp["energy_unit"] == vm["energy_unit"] else conversion_factor(
                    str(inp["energy_unit"]), str(vm["energy_unit"]))
                term_rows[(vid, int(inp["meter_id"]))] += coeff * factor
                if inp["is_virtual"]:
                    deps[vid].add(int(inp["meter_id"]))
    order: list[list[int]] = []
    done: set[int] = set()
    while len(done) < len(deps):
        level = [v for v, d in deps.items() if v not in done and d <= done]
        if not level:
            cycle = sorted(str(by_code_id["code"]) for by_code_id in rows
                           if by_code_id["meter_id"] in set(deps) - done)
            raise InputError(f"虚拟表公式循环引用：{cycle}", f"virtual meter formulas refer to each other in a cycle: "
                             f"{cycle}", field="virtual_formula")
        order.append(level)
        done.update(level)
    code_of = {int(r["meter_id"]): str(r["code"]) for r in rows}
    terms_table = pa.table({
        "meter_id": pa.array([k[0] for k in term_rows], pa.int64()),
        "input_id": pa.array([k[1] for k in term_rows], pa.int64()),
        "input_code": pa.array([code_of[k[1]] for k in term_rows], pa.string()),
        "coefficient": pa.array([float(c) for c in term_rows.values()], pa.float64()),
        # exact when the coefficient has at most 6 decimals (a unit conversion may not): else no exact value
        "coefficient_exact": pa.array([c if c == c.quantize(Decimal("1e-6")) else None for c in term_rows.values()],
                                      pa.decimal128(24, 6)),
    })
    flags = "coalesce(flags, 0)" if "flags" in values.column_names else "0"
    out_schema = pa.schema([("meter_id", pa.int64()), ("ts", pa.int64()), ("ts_end", pa.int64()),
                            ("value", pa.float64()), ("flags", pa.int64()), ("method", pa.string()),
                            ("inputs_present", pa.int64()), ("inputs_expected", pa.int64()),
                            ("value_exact", EXACT_TYPE)])
    exact = "value_exact::DECIMAL(38,12)" if "value_exact" in values.column_names else "NULL::DECIMAL(38,12)"
    con = connect(src=values, t=terms_table)
    try:
        con.execute(f"""CREATE TEMP TABLE vals AS SELECT meter_id, ts, ts_end, value::DOUBLE AS value,
                        {flags}::BIGINT AS flags, {exact} AS value_exact FROM src""")
        con.execute("CREATE TEMP TABLE out (meter_id BIGINT, ts BIGINT, ts_end BIGINT, value DOUBLE, flags BIGINT, "
                    "method VARCHAR, inputs_present BIGINT, inputs_expected BIGINT, mixed BOOLEAN, "
                    "value_exact DECIMAL(38,12))")
        con.execute("CREATE TEMP TABLE n_in AS SELECT meter_id, count(*) AS n FROM t GROUP BY meter_id")
        for level in order:
            ids = ",".join(str(i) for i in level)
            con.execute(f"""
                INSERT INTO out
                SELECT t.meter_id, v.ts, min(v.ts_end),
                       CASE WHEN count(v.value) = any_value(n_in.n)
                            THEN sum(t.coefficient * v.value ORDER BY t.input_id) END,
                       bit_or(v.flags) | CASE WHEN count(v.value) < any_value(n_in.n) THEN {FLAG_INCOMPLETE} ELSE 0 END,
                       'virtual', count(v.value), any_value(n_in.n), min(v.ts_end) <> max(v.ts_end),
                       CASE WHEN count(v.value) = any_value(n_in.n) AND count(v.value_exact) = count(v.value)
                             AND count(t.coefficient_exact) = count(*)
                            THEN sum(t.coefficient_exact * v.value_exact)::DECIMAL(38,12) END
                FROM t JOIN n_in USING (meter_id) JOIN vals v ON v.meter_id = t.input_id
                WHERE t.meter_id IN ({ids})
                GROUP BY t.meter_id, v.ts""")
            con.execute(f"INSERT INTO vals SELECT meter_id, ts, ts_end, value, flags, value_exact FROM out "
                        f"WHERE meter_id IN ({ids})")
        result = fetch(con, "SELECT * FROM out ORDER BY meter_id, ts")
    finally:
        con.close()
    if any(result["mixed"].to_pylist()):
        raise ValueError("inputs of a virtual meter are on different periods; roll them up to a common period first")
    return VirtualValues(values=conform(result.drop_columns(["mixed"]), out_schema), terms=terms_table)
