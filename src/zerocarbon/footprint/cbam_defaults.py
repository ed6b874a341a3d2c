"""Shipped EU CBAM default values (Implementing Regulation (EU) 2025/2621, Annex I), for goods without actual values.

The table is ``footprint/data/cbam_defaults_2025_2621_cn.csv``: rows of the annex's table "China" (every cement and
aluminium row, a selection of iron and steel), each with the transcription it was read from, a second independent
transcription where one could be read, and ``verified`` (the two agree) or ``unverified`` (one source). The header
of the file says what was and was not read. Values are before the mark-up; :func:`zerocarbon.footprint.cbam.marked_up`
applies the year's mark-up.

A CN code is matched to the most specific row whose code it falls under (8-digit, then 6, then 4); the annex's
10-digit rows split one CN code by description (white / grey clinker, white / other hydraulic cement), so a code
matching two of them is refused as ambiguous. A country other than those shipped (China only) is refused: the user
then gives the value with its source, as before.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

from zerocarbon.errors import FactorError, InputError
from zerocarbon.footprint.cbam import DEFAULTS, DefaultValue, cn_digits
from zerocarbon.tables import STATUSES, table_reader

TABLE = Path(__file__).resolve().parent / "data" / "cbam_defaults_2025_2621_cn.csv"
COLUMNS = ("row_id", "regulation", "annex", "country", "cn_code", "description", "sector", "production_route",
           "direct", "indirect", "total", "source", "check_source", "status")
#: The annex's table name of each country shipped (ISO 3166 alpha-2).
COUNTRIES = {"CN": "China"}
#: The annex prints direct, indirect and total each rounded (2523 90 00 10, China: 1.29 + 0.18 against 1.46).
ROUNDING = Decimal("0.01")


@dataclass(frozen=True)
class DefaultRow:
    """One row of the shipped table (tCO2e per tonne of good, before the mark-up)."""

    row_id: str
    country: str
    cn_code: str
    description: str
    sector: str
    route: str
    direct: Decimal
    indirect: Decimal | None
    total: Decimal
    source: str
    check_source: str
    status: str

    def provenance(self) -> str:
        """Where the value comes from, for the output (row, annex table, status, both sources)."""
        check = f"; checked against {self.check_source}" if self.check_source else "; no second source read"
        return (f"{self.row_id} [{self.status}]: {DEFAULTS}, Annex I, table {COUNTRIES[self.country]}, "
                f"CN {self.cn_code} ({self.description}); transcribed from {self.source}{check}")

    def default_value(self) -> DefaultValue:
        """The row as the :class:`~zerocarbon.footprint.cbam.DefaultValue` a good or precursor takes."""
        return DefaultValue(self.total, self.country, self.provenance(), self.direct, self.indirect)


def _dec(text: str, line: int, name: str, path: Path) -> Decimal:
    try:
        return Decimal(text)
    except InvalidOperation as exc:
        raise FactorError(f"{name} 不是数字：{text!r}", f"{name} is not a number: {text!r}", file=path.name,
                          row=line, field=name) from exc


@lru_cache(maxsize=4)
def load_table(path: Path = TABLE) -> tuple[DefaultRow, ...]:
    """The rows of the shipped table (checked: columns, status, numbers, total = direct + indirect within
    :data:`ROUNDING`)."""
    rows = []
    comments = sum(1 for t in path.read_text(encoding="utf-8").splitlines() if t.startswith("#"))
    for line, raw in enumerate(table_reader(path, COLUMNS), start=2 + comments):
        if raw["status"] not in STATUSES:
            raise FactorError(f"状态无效：{raw['status']!r}", f"unknown status {raw['status']!r}", file=path.name,
                              row=line, field="status", expected=" | ".join(STATUSES))
        if raw["status"] == "verified" and not raw["check_source"].strip():
            raise FactorError("已核实的行须有第二来源", "a verified row needs its second source", file=path.name,
                              row=line, field="check_source")
        direct, total = _dec(raw["direct"], line, "direct", path), _dec(raw["total"], line, "total", path)
        indirect = _dec(raw["indirect"], line, "indirect", path) if raw["indirect"].strip() else None
        if abs(direct + (indirect or 0) - total) > ROUNDING:
            raise FactorError("合计与直接加间接相差超过修约误差", "total differs from direct + indirect by more than "
                              "the rounding", file=path.name, row=line, field="total")
        rows.append(DefaultRow(raw["row_id"], raw["country"], raw["cn_code"], raw["description"], raw["sector"],
                               raw["production_route"], direct, indirect, total, raw["source"], raw["check_source"],
                               raw["status"]))
    return tuple(rows)


def find(cn_code: str, country: str, field_name: str = "cn_code") -> DefaultRow:
    """The shipped default value of a good of ``cn_code`` made in ``country`` (ISO alpha-2).

    Raises
    ------
    InputError
        The country is not shipped, no row covers the code, or the code matches two rows of the annex's
        10-digit split.
    """
    code = cn_digits(cn_code, field_name)
    country = country.strip().upper()
    if country not in COUNTRIES:
        raise InputError(f"未附带 {country or '?'} 的缺省值（仅中国）：请给出缺省值及其出处",
                         f"no default values are shipped for {country or '?'} (China only): give the value "
                         "and its source", field=field_name, expected=f"default_value with its source ({DEFAULTS})")
    rows = [r for r in load_table() if r.country == country]
    split = [r for r in rows if len(r.cn_code) == 10 and r.cn_code[:8] == code]
    if len(split) > 1:
        raise InputError(f"CN {code} 在附件一中按说明分为多行，须自行给出缺省值：{[r.row_id for r in split]}",
                         f"CN {code} has several rows in Annex I, by description; give the default value: "
                         f"{[f'{r.row_id} ({r.description})' for r in split]}", field=field_name,
                         expected="default_value with the row chosen")
    if split:
        return split[0]
    under = [r for r in rows if len(r.cn_code) <= 8 and code.startswith(r.cn_code)]
    if not under:
        raise InputError(f"附带的缺省值表中没有 CN {code}（{country}）：请给出缺省值及其出处",
                         f"the shipped table has no default value for CN {code} ({country}): give the value and "
                         "its source", field=field_name, expected=f"default_value with its source ({DEFAULTS})")
    return max(under, key=lambda r: len(r.cn_code))
