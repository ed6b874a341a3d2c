"""EU CBAM, definitive period (from 2026-01-01): specific embedded emissions of the goods of one installation.

Implemented from the texts as published in the Official Journal (read in verbatim quotations; the
EUR-Lex pages themselves were not readable here, see docs/footprints.md "CBAM" for every source):

- Regulation (EU) 2023/956 (CBAM), Art. 7(1): "For goods listed in Annex II only direct emissions
  shall be calculated and taken into account" (Annex II: iron and steel of chapter 72 and 7301–7311,
  7318, 7326; aluminium 7601, 7603–7614, 7616; hydrogen 2804 10 00; electricity added by Regulation
  (EU) 2025/2083 Art. 1(29)). Annex IV point 1: simple goods use only precursors and fuels with zero
  embedded emissions; complex goods are the others. http://data.europa.eu/eli/reg/2023/956/oj
- Implementing Regulation (EU) 2025/2547 (methodology, replaces 2023/1773): Art. 3(2) the boundary
  covers direct emissions, indirect emissions for goods not in Annex II, and precursors' embedded
  emissions; Annex I point 3.1: indirect emissions of a precursor count only if the precursor is not
  in Annex II; Annex III point B: ``SEE_g = ae_g + Σ m_i × SEE_i`` evaluated for the direct and the
  indirect channel separately, ``m_i = M_i / AL_g`` with ``M_i`` the total precursor mass including
  losses, recursive over precursors that are complex goods, precursors from the Union or an Annex III
  point 1 country count zero; Annex II point E: a precursor's actual values only from a verification
  report of an accredited verifier covering the period, else its default values (and Art. 15 allows
  that mix); Art. 9(1): electricity from several sources at their weighted-average emission factor.
  http://data.europa.eu/eli/reg_impl/2025/2547/oj
- Implementing Regulation (EU) 2025/2621 (default values) as corrected by (EU) 2026/1740, Annex I
  opening paragraph: the 'total emissions' default value is increased by the mark-up: cement, iron and
  steel, aluminium and hydrogen 10 % (2026), 20 % (2027), 30 % (2028 and onwards); fertilisers 1 %
  (2026 and onwards). Of the default values themselves (country × CN tables of Annex I, grid factors of
  Annex II) only rows of Annex I's table "China" are shipped (every cement and aluminium row, part of iron and
  steel; :mod:`zerocarbon.footprint.cbam_defaults`, each row verified or unverified): the service uses them for a
  good or precursor made in China declared on the default basis without values; otherwise the user supplies each
  value with its source.
  http://data.europa.eu/eli/reg_impl/2025/2621/oj
- Regulation (EU) 2023/956 Art. 9 (as replaced by 2025/2083): the carbon price paid in a third country
  is the declarant's reduction (on actual emissions; on default values only by default carbon prices);
  it is carried here as stated, never deducted.

Not implemented: imported electricity (Annex IV points 4.2 and 5), the attribution of an installation's
emissions to production processes (heat and waste-gas flows, 2025/2547 Annex III point A: the
attributed emissions are an input), functional units other than tonnes of goods (clinker content of
cement, nitrogen content of fertilisers), the free-allocation adjustment (2025/2620) and the number of
certificates. Figures are Decimals end to end; nothing is rounded here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from zerocarbon.errors import InputError

ZERO = Decimal(0)
REG = "Regulation (EU) 2023/956"
METHOD = "Implementing Regulation (EU) 2025/2547"
DEFAULTS = "Implementing Regulation (EU) 2025/2621 as corrected by (EU) 2026/1740"
FIRST_YEAR = 2026

#: sector key → (zh, en)
SECTORS: dict[str, tuple[str, str]] = {
    "cement": ("水泥", "cement"), "fertilisers": ("化肥", "fertilisers"),
    "iron_steel": ("钢铁", "iron and steel"), "aluminium": ("铝", "aluminium"),
    "hydrogen": ("氢", "hydrogen"), "electricity": ("电力", "electricity"),
}
#: Annex I of 2023/956 (as amended by 2025/2083): CN prefixes in scope, by sector.
SCOPE: tuple[tuple[str, str], ...] = (
    ("25070080", "cement"), ("2523", "cement"), ("27160000", "electricity"),
    ("2808", "fertilisers"), ("2814", "fertilisers"), ("28342100", "fertilisers"), ("3102", "fertilisers"),
    ("3105", "fertilisers"), ("26011200", "iron_steel"), ("72", "iron_steel"),
    *((f"73{n:02d}", "iron_steel") for n in range(1, 12)), ("7318", "iron_steel"), ("7326", "iron_steel"),
    ("7601", "aluminium"), *((f"76{n:02d}", "aluminium") for n in range(3, 15)), ("7616", "aluminium"),
    ("28041000", "hydrogen"),
)
#: Chapter 72 codes excepted in Annexes I and II (ferro-alloys listed there; ferrous waste and scrap 7204).
EXCEPTED = ("72022", "72023000", "72025000", "72027000", "72028000", "72029100", "72029200", "72029300",
            "72029910", "72029930", "72029980", "7204")
#: Annex II sectors (direct emissions only); sintered ore 2601 12 00 is iron and steel but not in Annex II.
DIRECT_ONLY_SECTORS = ("iron_steel", "aluminium", "hydrogen", "electricity")
#: Origins whose precursors count zero (2025/2547 Annex III point B): the Union (its 27 members, or "EU")
#: and the countries of Annex III point 1 of 2023/956 (Iceland, Liechtenstein, Norway, Switzerland).
ZERO_ORIGINS = frozenset(("EU", "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "EL", "HU",
                          "IE", "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
                          "IS", "LI", "NO", "CH"))
#: The mark-up on the 'total emissions' default value, by sector: (2026, 2027, 2028 and onwards).
MARKUPS: dict[str, tuple[Decimal, Decimal, Decimal]] = {
    **{s: (Decimal("0.10"), Decimal("0.20"), Decimal("0.30")) for s in ("cement", "iron_steel", "aluminium",
                                                                      "hydrogen")},
    "fertilisers": (Decimal("0.01"), Decimal("0.01"), Decimal("0.01")),
}
BASES = ("actual", "default")
PRECURSOR_BASES = ("actual", "default", "own")


def cn_digits(cn_code: str, field_name: str = "cn_code") -> str:
    """The 8 digits of a CN code written with or without spaces or dots."""
    digits = "".join(ch for ch in str(cn_code) if ch.isdigit())
    if len(digits) != 8 or any(ch not in "0123456789 ." for ch in str(cn_code)):
        raise InputError(f"CN 编码 {cn_code!r} 须为 8 位数字", f"CN code {cn_code!r} must have 8 digits",
                         field=field_name, expected="8 digits, e.g. 7604 29 10")
    return digits


@dataclass(frozen=True)
class Classification:
    """A CN code's CBAM sector (Annex I) and whether only direct emissions count (Annex II, Art. 7(1))."""

    cn_code: str
    sector: str
    direct_only: bool

    @property
    def gases(self) -> str:
        """Annex I greenhouse gases of the sector (CO2; N2O for fertilisers; PFCs for aluminium)."""
        return {"fertilisers": "CO2, N2O", "aluminium": "CO2, PFCs"}.get(self.sector, "CO2")


def classify(cn_code: str, field_name: str = "cn_code") -> Classification:
    """The CBAM sector of ``cn_code`` (Annex I of 2023/956) and its Annex II status.

    Raises
    ------
    InputError
        Not 8 digits, or not a good listed in Annex I.
    """
    digits = cn_digits(cn_code, field_name)
    sector = next((s for prefix, s in SCOPE if digits.startswith(prefix)), None)
    if sector is None or (digits.startswith("72") and digits.startswith(EXCEPTED)):
        raise InputError(f"CN {digits} 不是 CBAM 货物（条例 (EU) 2023/956 附件一）",
                         f"CN {digits} is not a CBAM good (Annex I to {REG})", field=field_name,
                         expected="a CN code listed in Annex I")
    return Classification(digits, sector, sector in DIRECT_ONLY_SECTORS and not digits.startswith("26011200"))


def markup(sector: str, year: int) -> Decimal:
    """The mark-up on default values of ``sector`` in ``year`` (fraction; 2025/2621 Annex I as corrected)."""
    if year < FIRST_YEAR:
        raise InputError(f"{year} 年不在 CBAM 正式期内（自 2026 年起）",
                         f"{year} is not in the CBAM definitive period (from 2026)", field="year",
                         expected="2026 or later")
    if sector not in MARKUPS:
        raise InputError(f"{SECTORS[sector][0]}没有缺省值加成", f"{SECTORS[sector][1]} has no default-value mark-up",
                         field="sector", expected=", ".join(MARKUPS))
    return MARKUPS[sector][min(year, 2028) - FIRST_YEAR]


def marked_up(total: Decimal, sector: str, year: int) -> Decimal:
    """The default value used for ``year``: ``total × (1 + mark-up)`` [tCO2e/t]."""
    return total * (1 + markup(sector, year))


@dataclass(frozen=True)
class Electricity:
    """Electricity consumed by a production process from one source over the reporting period.

    Attributes
    ----------
    mwh : Decimal
        Consumed [MWh].
    factor : Decimal
        Emission factor [tCO2e/MWh]: the default of 2025/2621 Annex II for the country, or an actual
        factor (direct technical link, power purchase agreement) with its evidence.
    kind : str
        ``grid_default``, ``direct_link`` or ``ppa``.
    source : str
        Where the factor comes from (document, table, or the evidence).
    """

    mwh: Decimal
    factor: Decimal
    kind: str
    source: str


@dataclass(frozen=True)
class Precursor:
    """A precursor consumed by a production process (2025/2547 Art. 1(7); Annex III point B).

    Attributes
    ----------
    id, name : str
        Identifier and name.
    cn_code : str
        Its CN code (a good of Annex I).
    mass_t : Decimal
        ``M_i``: total mass consumed in the period, including cut-offs, scrap and losses [t].
    basis : str
        ``actual`` (verified values of the producing installation), ``default`` (2025/2621 Annex I) or
        ``own`` (made by another production process of this installation: its SEE is computed here).
    country : str
        Country of production (ISO 3166 alpha-2; ``EU`` allowed). Union and Annex III point 1 origins count zero.
    see_direct, see_indirect : Decimal
        Its specific direct / indirect embedded emissions [tCO2e/t] (not for ``own``).
    source : str
        The verification report (``actual``) or the default value's table and row (``default``).
    good : str, optional
        For ``own``: the id of the good of this installation.
    """

    id: str
    name: str
    cn_code: str
    mass_t: Decimal
    basis: str
    country: str
    see_direct: Decimal = ZERO
    see_indirect: Decimal = ZERO
    source: str = ""
    good: str | None = None


@dataclass(frozen=True)
class DefaultValue:
    """A default value of 2025/2621 Annex I (as corrected) for a good and country, as the user read it."""

    total: Decimal
    country: str
    source: str
    direct: Decimal | None = None
    indirect: Decimal | None = None


@dataclass(frozen=True)
class Good:
    """A CBAM good made by one production process of the installation, and what was used to make it.

    ``activity_t`` is ``AL_g`` [t]; ``attributed_direct_t`` is ``AttrEm_dir`` of the process [tCO2e]
    over the reporting period; ``carbon_price`` is carried unchanged (Art. 9 is the declarant's).
    """

    id: str
    name_zh: str
    name_en: str
    cn_code: str
    route: str
    activity_t: Decimal
    basis: str = "actual"
    attributed_direct_t: Decimal = ZERO
    electricity: tuple[Electricity, ...] = ()
    precursors: tuple[Precursor, ...] = ()
    default: DefaultValue | None = None
    carbon_price: Mapping[str, Any] | None = None
    qualifying: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PrecursorPart:
    """One precursor's contribution to a good's SEE [tCO2e/t of good]."""

    precursor: Precursor
    cls: Classification
    m: Decimal
    see_direct: Decimal
    see_indirect: Decimal
    direct: Decimal
    indirect: Decimal
    indirect_counted: bool
    zero_origin: bool
    from_defaults: Decimal = ZERO


@dataclass
class GoodResult:
    """The specific embedded emissions of one good and how they were made (every figure with its derivation)."""

    good: Good
    cls: Classification
    year: int
    kind: str
    ae_direct: Decimal
    ae_indirect: Decimal
    mwh_per_t: Decimal
    factor: Decimal | None
    parts: list[PrecursorPart]
    see_direct: Decimal
    see_indirect: Decimal
    default_used: Decimal | None = None
    markup: Decimal | None = None
    default_share: Decimal = ZERO
    derivation: list[dict[str, str]] = field(default_factory=list)

    @property
    def see_total(self) -> Decimal:
        """The embedded emissions that count [tCO2e/t]: the marked-up default, or direct + counted indirect."""
        return self.default_used if self.default_used is not None else self.see_direct + self.see_indirect


def _check(value: Decimal, name: str, where: str, positive: bool = False) -> None:
    if not value.is_finite() or value < 0 or (positive and value == 0):
        raise InputError(f"{name} 的值 {value} 无效", f"{name}: {value} is not valid", field=f"{where}.{name}",
                         expected="> 0" if positive else "≥ 0")


def electricity_emissions(sources: Sequence[Electricity], where: str = "electricity") -> tuple[Decimal, Decimal,
                                                                                                 Decimal | None]:
    """(attributed indirect emissions [tCO2e], MWh, weighted-average factor [tCO2e/MWh] or None without MWh).

    ``Σ MWh_k × EF_k``; the factor is their weighted average (2025/2547 Art. 9(1)).
    """
    total_t, mwh = ZERO, ZERO
    for k, s in enumerate(sources):
        _check(s.mwh, "mwh", f"{where}[{k}]")
        _check(s.factor, "factor", f"{where}[{k}]")
        if not s.source.strip():
            raise InputError("电力排放因子须注明来源", "the electricity emission factor needs its source",
                             field=f"{where}[{k}].source", expected="document and table, or the evidence")
        total_t += s.mwh * s.factor
        mwh += s.mwh
    return total_t, mwh, (total_t / mwh if mwh else None)


def _precursor_part(g: Good, k: int, p: Precursor, own: Mapping[str, GoodResult]) -> PrecursorPart:
    where = f"goods.{g.id}.precursors[{k}]"
    cls = classify(p.cn_code, f"{where}.cn_code")
    _check(p.mass_t, "mass_t", where)
    if p.basis not in PRECURSOR_BASES:
        raise InputError(f"前体依据 {p.basis!r} 无效", f"precursor basis {p.basis!r} is not valid",
                         field=f"{where}.basis", expected=" | ".join(PRECURSOR_BASES))
    zero = p.country.upper() in ZERO_ORIGINS
    if p.basis == "own":
        if p.good is None or p.good not in own:
            raise InputError(f"本装置货物 {p.good!r} 未找到或尚未计算", f"own good {p.good!r} not found",
                             field=f"{where}.good", expected="the id of another good of this installation")
        r = own[p.good]
        see_d, see_i = r.see_direct, r.see_indirect
        if r.default_used is not None:
            see_d, see_i = r.default_used, ZERO
    else:
        _check(p.see_direct, "see_direct", where)
        _check(p.see_indirect, "see_indirect", where)
        if not p.source.strip() and not zero:
            need = "the verification report (accredited verifier, same period)" if p.basis == "actual" else \
                "the default value's table and row (2025/2621 Annex I)"
            raise InputError("前体的实际值须注明核查报告，缺省值须注明出处",
                             "a precursor's values need their verification report or default-value source",
                             field=f"{where}.source", expected=need)
        see_d, see_i = p.see_direct, p.see_indirect
    if zero:
        see_d, see_i = ZERO, ZERO
    m = p.mass_t / g.activity_t
    counted = not cls.direct_only
    direct, indirect = m * see_d, (m * see_i if counted else ZERO)
    if zero:
        share = ZERO
    elif p.basis == "own":
        share = own[p.good or ""].default_share
    else:
        share = Decimal(1) if p.basis == "default" else ZERO
    return PrecursorPart(p, cls, m, see_d, see_i, direct, indirect, counted, zero, (direct + indirect) * share)


def good_see(g: Good, year: int, own: Mapping[str, GoodResult] | None = None) -> GoodResult:
    """Specific embedded emissions of ``g`` in ``year`` [tCO2e/t] (see the module docstring).

    Parameters
    ----------
    g : Good
        The good and its process's attributed emissions, electricity and precursors.
    year : int
        Year of the reporting period (2026 or later), which sets the default-value mark-up.
    own : mapping of str to GoodResult
        Results of the installation's other goods, for precursors made in-house (``basis: own``).
    """
    where = f"goods.{g.id}"
    cls = classify(g.cn_code, f"{where}.cn_code")
    if cls.sector == "electricity":
        raise InputError("进口电力的内含排放不在本模块范围内", "imported electricity is not covered by this module",
                         field=f"{where}.cn_code", expected="a good other than electricity (2716 00 00)")
    _check(g.activity_t, "activity_t", where, positive=True)
    if g.basis not in BASES:
        raise InputError(f"依据 {g.basis!r} 无效", f"basis {g.basis!r} is not valid", field=f"{where}.basis",
                         expected=" | ".join(BASES))
    up = markup(cls.sector, year)
    el_t, mwh, factor = electricity_emissions(g.electricity, f"{where}.electricity")
    if g.basis == "default":
        d = g.default
        if d is None or not d.source.strip():
            raise InputError("采用缺省值须给出缺省值及其出处",
                             "the default basis needs the default value and its source",
                             field=f"{where}.default_value",
                             expected=f"total [tCO2e/t] and source ({DEFAULTS} Annex I)")
        _check(d.total, "total", f"{where}.default_value")
        used = d.total * (1 + up)
        deriv = [{"figure": "see_total", "formula": "default_total × (1 + mark-up)",
                  "values": f"{d.total} × (1 + {up}) = {used}",
                  "source": f"{DEFAULTS}, Annex I opening paragraph; value: {d.source}"}]
        return GoodResult(g, cls, year, "default", ZERO, ZERO, mwh / g.activity_t, factor, [],
                          d.direct if d.direct is not None else ZERO,
                          d.indirect if d.indirect is not None and not cls.direct_only else ZERO,
                          default_used=used, markup=up, default_share=Decimal(1), derivation=deriv)
    _check(g.attributed_direct_t, "attributed_direct_t", where)
    parts = [_precursor_part(g, k, p, own or {}) for k, p in enumerate(g.precursors)]
    ae_d, ae_i = g.attributed_direct_t / g.activity_t, el_t / g.activity_t
    see_d = ae_d + sum((p.direct for p in parts), ZERO)
    see_i = (ZERO if cls.direct_only else ae_i) + sum((p.indirect for p in parts), ZERO)
    kind = "complex" if any(p.direct or p.indirect for p in parts) else "simple"
    total = see_d + see_i
    dflt = sum((p.from_defaults for p in parts), ZERO)
    deriv = [
        {"figure": "ae_direct", "formula": "AttrEm_dir / AL", "values": f"{g.attributed_direct_t} / {g.activity_t}"
         f" = {ae_d}", "source": f"{METHOD} Annex III point B (equation 62)"},
        {"figure": "ae_indirect", "formula": "Σ MWh × EF / AL",
         "values": f"{el_t} / {g.activity_t} = {ae_i}" + (" (not counted: Annex II good)" if cls.direct_only else ""),
         "source": f"{METHOD} Art. 9(1); {REG} Art. 7(1) and Annex II"},
        *({"figure": f"precursor {p.precursor.id}", "formula": "m_i = M_i / AL; m_i × SEE_i",
           "values": f"{p.precursor.mass_t} / {g.activity_t} = {p.m}; direct {p.m} × {p.see_direct} = {p.direct}; "
                     f"indirect {p.m} × {p.see_indirect} = {p.indirect}"
                     + ("" if p.indirect_counted else " (indirect not counted: Annex II precursor)")
                     + (f" (origin {p.precursor.country}: counted zero)" if p.zero_origin else ""),
           "source": f"{METHOD} Annex III point B; Annex I point 3.1; Annex II point E"} for p in parts),
        {"figure": "see_direct", "formula": "ae_direct + Σ m_i × SEE_i,direct", "values": str(see_d),
         "source": f"{METHOD} Annex III point B"},
        {"figure": "see_indirect", "formula": "ae_indirect (goods not in Annex II) + Σ m_i × SEE_i,indirect "
         "(precursors not in Annex II)", "values": str(see_i), "source": f"{METHOD} Art. 3(2), Annex I point 3.1"},
    ]
    return GoodResult(g, cls, year, kind, ae_d, ae_i, mwh / g.activity_t, factor, parts, see_d, see_i,
                      default_share=dflt / total if dflt else ZERO, derivation=deriv)


def installation_see(goods: Sequence[Good], year: int) -> list[GoodResult]:
    """Every good of an installation, precursors made in-house computed first (Annex III point B, recursively).

    Raises
    ------
    InputError
        A duplicated good id, an in-house precursor that is unknown or a cycle of in-house precursors.
    """
    by_id: dict[str, Good] = {}
    for k, g in enumerate(goods):
        if g.id in by_id:
            raise InputError(f"货物编号 {g.id} 重复", f"good id {g.id} is used twice", field=f"goods[{k}].id",
                             expected="unique ids")
        by_id[g.id] = g
    done: dict[str, GoodResult] = {}
    visiting: list[str] = []

    def visit(gid: str) -> None:
        if gid in done:
            return
        if gid in visiting:
            cycle = " → ".join([*visiting[visiting.index(gid):], gid])
            raise InputError(f"本装置前体成环：{cycle}", f"in-house precursors form a cycle: {cycle}",
                             field=f"goods.{gid}.precursors", expected="no cycle (use a joint production process, "
                             f"{METHOD} Art. 4(9))")
        visiting.append(gid)
        for k, p in enumerate(by_id[gid].precursors):
            if p.basis == "own":
                if p.good not in by_id:
                    raise InputError(f"本装置货物 {p.good!r} 未找到", f"own good {p.good!r} not found",
                                     field=f"goods.{gid}.precursors[{k}].good", expected=", ".join(by_id))
                visit(p.good)
        visiting.pop()
        done[gid] = good_see(by_id[gid], year, done)

    for g in goods:
        visit(g.id)
    return [done[g.id] for g in goods]
