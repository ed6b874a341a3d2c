"""Why a total changed between two data years: activity, factor, instruments and boundary.

The change of one total (one accounting view, one selection of lines) between an earlier inventory
(the base year or the year before) and a later one is split additively, stream by stream. A
*stream* is one source of one facility followed across years: ``(facility, category, item)``, with
all purchased electricity of a facility (grid and green power) one stream, so that buying green
power instead of grid power is an instrument, not a new source.

For each line of a stream in a view, the emitted figure ``E`` is split into the figure the line
would have had without contractual instruments, ``G`` (gross), and what the instruments took off,
``I``, with ``E = G − I``:

* purchased electricity: ``G = AD [MWh] × EF``, where ``EF`` is the line's own grid factor in that
  view, or for a green-power line (which carries no factor where it counts at 0) the library grid
  factor the same view applies to the inventory's other grid purchases; ``I = G − E`` (certificates
  on grid lines, green power with proof);
* every other line: ``G = E``, ``I = 0``.

A stream present in both years, with activity ``A`` (summed in one unit), gross ``G`` and
instruments ``I`` (0 = earlier, 1 = later), contributes (an additive decomposition that is exact
by construction; the cross term goes with the factor effect)::

    x           = A1 × G0 / A0                 (the later activity at the earlier effective factor)
    activity    = x − G0                       = (A1 − A0) × EF0
    factor      = G1 − x                       = A1 × (EF1 − EF0)
    instruments = −(I1 − I0)
    activity + factor + instruments = (G1 − I1) − (G0 − I0) = E1 − E0

With ``A0 = 0`` the whole gross change is activity. A stream present in one year only is
*boundary*: ``+E1`` for a new one, ``−E0`` for one that ended (facilities added or removed, sources
started or stopped). The arithmetic runs in a 200-digit decimal context, so the sum of the four
drivers equals the change of the summed lines to the last digit. The residual is the change of the
inventory's own total minus that sum, computed and stated: it is zero when the total is the sum of
the selected lines, except that the engine adds its totals in Python's default 28-significant-digit
context, which can leave a residual below 1e-20 tCO2e; anything larger means the total counts
something the selection does not (and the report shows it).

Hand-worked example (``tests/accounting/test_drivers.py``): 1 000 MWh of grid power at 0.5 in
year 0; 1 200 MWh at 0.4 in year 1, of which 300 MWh covered by certificates. G0 = 500, I0 = 0;
G1 = 480, I1 = 120, E1 = 360. x = 1 200 × 500 / 1 000 = 600; activity = +100, factor = −120,
instruments = −120; total −140 = 360 − 500.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Context, Decimal, localcontext
from typing import Any

from zerocarbon.accounting.results import Inventory, LineResult, plain
from zerocarbon.errors import UnitError
from zerocarbon.model.inventory_input import SCOPE1, Category
from zerocarbon.units import conversion_factor, parse_unit

ZERO = Decimal(0)
#: Precision of the decomposition: wide enough that sums and differences of engine figures are exact.
PRECISION = 200
DRIVERS = ("activity", "factor", "instruments", "boundary")

StreamKey = tuple[str, str, str, str]  # facility, category, item, dimension of the amount


@dataclass(frozen=True)
class TotalSpec:
    """A total: the view whose line figures it sums and which lines it takes.

    ``total`` names the attribute of :class:`~zerocarbon.accounting.results.Totals` (or of a
    regime's totals) the selection reproduces; the residual is measured against it.
    """

    key: str
    view: str
    select: Callable[[LineResult], bool]
    total: Callable[[Inventory], Decimal | None] = field(default=lambda _inv: None)


def _attr(name: str) -> Callable[[Inventory], Decimal | None]:
    return lambda inv: getattr(inv.totals, name, None)


#: The headline totals of :func:`zerocarbon.accounting.inventory.compare_years`, as line selections.
TOTAL_SPECS: tuple[TotalSpec, ...] = (
    TotalSpec("gbt32150_total", "gbt32150", lambda r: not r.biomass, _attr("gbt32150_total")),
    TotalSpec("scope1", "location", lambda r: not r.biomass and r.category in SCOPE1, _attr("scope1")),
    TotalSpec("scope2_location", "location", lambda r: not r.biomass and r.scope == "2", _attr("scope2_location")),
    TotalSpec("scope2_market", "market", lambda r: not r.biomass and r.scope == "2", _attr("scope2_market")),
)


@dataclass
class StreamYear:
    """One stream's figures in one year [tCO2e; amount in ``unit``; MWh for instruments]."""

    amount: Decimal = ZERO
    gross: Decimal = ZERO
    green_power: Decimal = ZERO         # I of green-power lines [tCO2e]
    certificates: Decimal = ZERO        # I of grid lines covered by certificates [tCO2e]
    green_power_mwh: Decimal = ZERO
    certificates_mwh: Decimal = ZERO
    lines: list[str] = field(default_factory=list)

    @property
    def instruments(self) -> Decimal:
        return self.green_power + self.certificates

    @property
    def emissions(self) -> Decimal:
        return self.gross - self.instruments


@dataclass(frozen=True)
class StreamChange:
    """The change of one stream, split by driver [tCO2e]."""

    facility: str
    category: str
    item: str
    unit: str
    before: StreamYear | None
    after: StreamYear | None
    activity: Decimal
    factor: Decimal
    green_power: Decimal
    certificates: Decimal
    boundary: Decimal

    @property
    def instruments(self) -> Decimal:
        return self.green_power + self.certificates

    @property
    def delta(self) -> Decimal:
        return self.activity + self.factor + self.instruments + self.boundary

    def to_dict(self) -> dict[str, Any]:
        def year(y: StreamYear | None) -> dict[str, Any] | None:
            return None if y is None else {
                "amount": plain(y.amount), "gross_tco2e": plain(y.gross), "emissions_tco2e": plain(y.emissions),
                "green_power_tco2e": plain(y.green_power), "certificates_tco2e": plain(y.certificates),
                "green_power_mwh": plain(y.green_power_mwh), "certificates_mwh": plain(y.certificates_mwh),
                "lines": list(y.lines)}
        return {"facility": self.facility, "category": self.category, "item": self.item, "unit": self.unit,
                "before": year(self.before), "after": year(self.after), "delta": plain(self.delta),
                "activity": plain(self.activity), "factor": plain(self.factor),
                "green_power": plain(self.green_power), "certificates": plain(self.certificates),
                "boundary": plain(self.boundary)}


@dataclass(frozen=True)
class Drivers:
    """The change of one total between two inventories, by driver [tCO2e].

    ``delta`` = ``to`` − ``from`` of the inventories' own totals; ``residual`` = ``delta`` − (activity
    + factor + instruments + boundary), zero when the line selection is the total's definition.
    In :meth:`to_dict`, ``pct`` = delta / from × 100 [%] (None when ``from`` is zero), the sign
    convention of :func:`zerocarbon.accounting.inventory.compare_years`.
    """

    key: str
    view: str
    year_from: int
    year_to: int
    total_from: Decimal
    total_to: Decimal
    activity: Decimal
    factor: Decimal
    green_power: Decimal
    certificates: Decimal
    boundary: Decimal
    streams: tuple[StreamChange, ...]

    @property
    def delta(self) -> Decimal:
        return self.total_to - self.total_from

    @property
    def instruments(self) -> Decimal:
        return self.green_power + self.certificates

    @property
    def residual(self) -> Decimal:
        with localcontext(Context(prec=PRECISION)):
            return self.delta - (self.activity + self.factor + self.instruments + self.boundary)

    def to_dict(self) -> dict[str, Any]:
        """Figures as strings, rounded to 10 decimals for reading (the residual is exact: see module)."""
        return {"total": self.key, "view": self.view, "from_year": self.year_from, "to_year": self.year_to,
                "from": plain(self.total_from), "to": plain(self.total_to), "delta": plain(self.delta),
                "pct": None if self.total_from == 0 else plain(self.delta / self.total_from * 100),
                "activity": plain(self.activity), "factor": plain(self.factor),
                "instruments": plain(self.instruments), "green_power": plain(self.green_power),
                "certificates": plain(self.certificates), "boundary": plain(self.boundary),
                "residual": plain(self.residual), "streams": [s.to_dict() for s in self.streams]}


def _mwh(result: LineResult) -> Decimal:
    return result.line.amount * conversion_factor(result.line.unit, "MWh")


def _electricity_ef(result: LineResult, view: str) -> Decimal | None:
    """The grid factor on the line's figure in ``view`` [tCO2/MWh], or None when it carries none."""
    fig = result.figures.get(view)
    for fv in fig.factors if fig else []:
        try:
            return fv.value * conversion_factor(fv.unit, "tCO2/MWh")
        except UnitError:
            continue
    return None


def _view_grid_ef(inv: Inventory, view: str) -> Decimal | None:
    """The default (library) grid factor ``view`` applies to the inventory's grid purchases [tCO2/MWh]."""
    for r in inv.lines:
        fig = r.figures.get(view)
        if (r.category is Category.ELECTRICITY_PURCHASED and r.line.electricity_kind == "grid"
                and fig is not None and fig.factors and all(fv.origin != "measured" for fv in fig.factors)):
            return _electricity_ef(r, view)
    return None


def _dimension(unit: str) -> str:
    return str(parse_unit(unit).dimensionality)


def _streams(inv: Inventory, spec: TotalSpec, units: dict[StreamKey, str]) -> dict[StreamKey, StreamYear]:
    grid_ef = _view_grid_ef(inv, spec.view)
    out: dict[StreamKey, StreamYear] = {}
    for r in inv.lines:
        fig = r.figures.get(spec.view)
        if fig is None or not spec.select(r):
            continue
        line = r.line
        electricity = r.category is Category.ELECTRICITY_PURCHASED
        key = (line.facility, r.category.value, "" if electricity else (line.item or ""), _dimension(line.unit))
        unit = units.setdefault(key, "MWh" if electricity else line.unit)
        s = out.setdefault(key, StreamYear())
        s.lines.append(line.id)
        s.amount += line.amount * conversion_factor(line.unit, unit)
        ef = _electricity_ef(r, spec.view) if electricity else None
        if electricity and ef is None and line.electricity_kind in ("green_power", "direct_line"):
            ef = grid_ef
        if ef is None:
            s.gross += fig.emissions
            continue
        mwh = _mwh(r)
        gross = mwh * ef
        s.gross += gross
        taken = gross - fig.emissions
        if taken == 0:
            continue
        if line.electricity_kind in ("green_power", "direct_line"):
            s.green_power += taken
            s.green_power_mwh += mwh
        else:
            s.certificates += taken
            s.certificates_mwh += taken / ef if ef else ZERO
    return out


def _change(key: StreamKey, unit: str, a: StreamYear | None, b: StreamYear | None) -> StreamChange:
    facility, category, item, _ = key
    activity = factor = green = certs = boundary = ZERO
    if a is not None and b is not None:
        if a.amount != 0:
            x = b.amount * a.gross / a.amount
            activity, factor = x - a.gross, b.gross - x
        else:
            activity = b.gross - a.gross
        green, certs = -(b.green_power - a.green_power), -(b.certificates - a.certificates)
    elif b is not None:
        boundary = b.emissions
    elif a is not None:
        boundary = -a.emissions
    return StreamChange(facility, category, item, unit, a, b, activity, factor, green, certs, boundary)


def explain_change(before: Inventory, after: Inventory, spec: TotalSpec) -> Drivers:
    """The change of the total ``spec`` from ``before`` to ``after``, split by driver.

    Parameters
    ----------
    before, after : Inventory
        The earlier inventory (base year or previous year) and the later one.
    spec : TotalSpec
        Which view and lines make the total.

    Returns
    -------
    Drivers
        Activity, factor, instruments (green power, certificates) and boundary effects [tCO2e] and
        their streams, largest change first.
    """
    with localcontext(Context(prec=PRECISION)):
        units: dict[StreamKey, str] = {}
        s0 = _streams(before, spec, units)
        s1 = _streams(after, spec, units)
        changes = [_change(k, units[k], s0.get(k), s1.get(k)) for k in list(s0) + [k for k in s1 if k not in s0]]
        t0 = spec.total(before)
        t1 = spec.total(after)
        return Drivers(
            spec.key, spec.view, before.year, after.year,
            t0 if t0 is not None else sum((s.emissions for s in s0.values()), ZERO),
            t1 if t1 is not None else sum((s.emissions for s in s1.values()), ZERO),
            activity=_sum(changes, "activity"), factor=_sum(changes, "factor"),
            green_power=_sum(changes, "green_power"), certificates=_sum(changes, "certificates"),
            boundary=_sum(changes, "boundary"),
            streams=tuple(sorted(changes, key=lambda c: (-abs(c.delta), c.facility, c.category, c.item))),
        )


def _sum(changes: Iterable[StreamChange], name: str) -> Decimal:
    return sum((getattr(c, name) for c in changes), ZERO)


#: Totals of regimes beyond the headline ones: (key, regime id, view, key in the regime's totals).
REGIME_TOTALS: tuple[tuple[str, str, str, str], ...] = (
    ("ets_total", "ets", "ets", "total"),
    ("zero_carbon_total_co2", "zero-carbon", "zero_carbon", "total_co2"),
)


def _regime_total(regime: str, key: str) -> Callable[[Inventory], Decimal | None]:
    def total(inv: Inventory) -> Decimal | None:
        value = (getattr(inv, "regimes", {}).get(regime) or {}).get("totals", {}).get(key)
        return None if value is None else Decimal(value)
    return total


def specs_for(before: Inventory, after: Inventory) -> tuple[TotalSpec, ...]:
    """The headline totals, and the total of each further regime (ETS, zero-carbon) both inventories computed."""
    extra = tuple(
        TotalSpec(key, view, lambda r: not r.biomass, _regime_total(regime, total))
        for key, regime, view, total in REGIME_TOTALS
        if all(regime in getattr(inv, "regimes", {}) for inv in (before, after)))
    return TOTAL_SPECS + extra


def explain_all(before: Inventory, after: Inventory,
                specs: Sequence[TotalSpec] | None = None) -> dict[str, Drivers]:
    """:func:`explain_change` for every total of ``specs`` (default: :func:`specs_for` the two inventories)."""
    return {spec.key: explain_change(before, after, spec) for spec in (specs or specs_for(before, after))}


def instruments_in(inv: Inventory, view: str) -> dict[str, Decimal]:
    """What green power and certificates take off one view of one inventory [MWh; tCO2e].

    ``green_power_mwh``/``green_power_t`` and ``certificates_mwh``/``certificates_t``: the MWh a view
    counts at zero and the emissions that removes at the factor the view applies to grid power (the
    ``I`` of the module's decomposition). A view that ignores an instrument shows 0 for it.
    """
    with localcontext(Context(prec=PRECISION)):
        streams = _streams(inv, TotalSpec(view, view, lambda r: not r.biomass), {})
        out = {"green_power_mwh": ZERO, "green_power_t": ZERO, "certificates_mwh": ZERO, "certificates_t": ZERO}
        for s in streams.values():
            out["green_power_mwh"] += s.green_power_mwh
            out["green_power_t"] += s.green_power
            out["certificates_mwh"] += s.certificates_mwh
            out["certificates_t"] += s.certificates
    return {k: +v for k, v in out.items()}  # back to the default context's precision
