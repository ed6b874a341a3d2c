"""Energy balance and flows (能量平衡, 能流): supply by carrier → conversion → end uses, with losses.

All quantities are comprehensive energy [tce] (GB/T 2589), so carriers add up. The balance closes
by construction at each node and overall::

    Σ supply = Σ end uses + Σ conversion losses + Σ exported          [tce]

* **Supply** lines are what the inventory says each facility consumed of each carrier, with the
  basis of the figure (``metered`` when the activity line came from meters, else ``declared``).
* A **conversion** (boiler, air compressor, chiller, transformer) at a facility takes all of that
  facility's supply of its input carrier. Its loss is either given directly (``loss_tce``, e.g. a
  transformer's no-load + load losses) or follows from an efficiency η: loss = input × (1 − η).
  Its output goes to end-use nodes by declared shares (Σ shares = 1). Losses and outputs computed
  this way are **estimates** and flagged so; only supply lines keep their metered basis.
* What no conversion takes is an end use of the facility where it is consumed; a net negative
  supply (export exceeding generation) is an export flow.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from zerocarbon.errors import InputError

Basis = Literal["metered", "declared", "estimated"]
ZERO = Decimal(0)
ONE = Decimal(1)
LOSS = "loss"
EXPORT = "export"


@dataclass(frozen=True)
class SupplyLine:
    """Energy of one carrier consumed at one facility [tce] (signed: exports negative)."""

    facility: str
    carrier: str
    tce: Decimal
    basis: Basis


@dataclass(frozen=True)
class Conversion:
    """A conversion unit.

    Attributes
    ----------
    id, kind : str
        Identifier; ``boiler``, ``air_compressor``, ``chiller``, ``transformer`` …
    facility : str
        Facility whose supply of ``input_carrier`` it takes.
    input_carrier, output_carrier : str
        Carrier in and out (``natural_gas`` → ``heat``; ``electricity`` → ``compressed_air`` …).
    efficiency : Decimal or None
        η [1], 0 < η ≤ 1; required unless ``loss_tce`` is given.
    loss_tce : Decimal or None
        Loss [tce] computed elsewhere (transformer losses); overrides ``efficiency``.
    outputs : tuple of (str, Decimal)
        End-use node and share [1] of the output; shares sum to 1. Empty: all to ``facility``.
    note : str
        Where η or the shares come from.
    """

    id: str
    kind: str
    facility: str
    input_carrier: str
    output_carrier: str
    efficiency: Decimal | None = None
    loss_tce: Decimal | None = None
    outputs: tuple[tuple[str, Decimal], ...] = ()
    note: str = ""


@dataclass(frozen=True)
class Flow:
    """One edge of the flow diagram [tce]: ``supply:<carrier>`` / ``conv:<id>`` → ``end:<node>`` / loss / export."""

    source: str
    target: str
    carrier: str
    tce: Decimal
    basis: Basis


@dataclass(frozen=True)
class EnergyBalance:
    """The balance: flows and the totals that close it [tce]."""

    flows: tuple[Flow, ...]
    supply_by_carrier: dict[str, Decimal]
    end_use_by_node: dict[str, Decimal]
    loss_by_conversion: dict[str, Decimal]
    total_supply: Decimal
    total_end_use: Decimal
    total_loss: Decimal
    total_export: Decimal
    estimated_tce: Decimal

    @property
    def closure(self) -> Decimal:
        """Σ supply − Σ end uses − Σ losses − Σ exports [tce]; zero when the balance closes."""
        return self.total_supply - self.total_end_use - self.total_loss - self.total_export


def transformer_loss_kwh(no_load_loss_kw: Decimal, load_loss_kw: Decimal, load_factor: Decimal,
                         hours: Decimal) -> Decimal:
    """Energy lost in a transformer over a year: ΔE = (P₀ + β² × P_k) × h.

    The usual no-load plus load-loss model (load losses scale with the square of the load factor);
    the efficiency standard GB 20052 grades P₀ and P_k at rated conditions only.

    Parameters
    ----------
    no_load_loss_kw, load_loss_kw : Decimal
        P₀ and P_k [kW].
    load_factor : Decimal
        β, mean load as a share of rated capacity [1].
    hours : Decimal
        Energised hours [h/a].

    Returns
    -------
    Decimal
        ΔE [kWh/a].
    """
    if min(no_load_loss_kw, load_loss_kw, load_factor, hours) < 0:
        raise InputError("变压器损耗计算的输入不能为负", "transformer loss inputs cannot be negative")
    return (no_load_loss_kw + load_factor * load_factor * load_loss_kw) * hours


def _check(conv: Conversion) -> None:
    if conv.loss_tce is None and (conv.efficiency is None or not ZERO < conv.efficiency <= ONE):
        raise InputError(f"转换设备 {conv.id} 须给出效率 (0, 1] 或损耗", f"conversion {conv.id} needs an efficiency "
                         "in (0, 1] or a loss", field="efficiency")
    if conv.outputs and sum((s for _, s in conv.outputs), ZERO) != ONE:
        raise InputError(f"转换设备 {conv.id} 的输出份额之和须为 1", f"the output shares of {conv.id} must sum to 1",
                         field="outputs")


def energy_balance(supply: Iterable[SupplyLine], conversions: Sequence[Conversion] = ()) -> EnergyBalance:
    """Build the energy balance from supply lines and conversion units.

    Parameters
    ----------
    supply : iterable of SupplyLine
        Consumption by facility and carrier [tce] (from the inventory, GB/T 2589).
    conversions : sequence of Conversion
        Conversion units; at most one per (facility, input carrier).

    Returns
    -------
    EnergyBalance

    Raises
    ------
    InputError
        A conversion lacks η or a valid share list, two convert the same supply, or its loss exceeds
        its input.
    """
    net: dict[tuple[str, str], Decimal] = defaultdict(lambda: ZERO)
    basis: dict[tuple[str, str], Basis] = {}
    for line in supply:
        key = (line.facility, line.carrier)
        net[key] += line.tce
        basis[key] = "declared" if basis.get(key, line.basis) != line.basis else line.basis
    by_input: dict[tuple[str, str], Conversion] = {}
    for conv in conversions:
        _check(conv)
        key = (conv.facility, conv.input_carrier)
        if key in by_input:
            raise InputError(f"设施 {conv.facility} 的 {conv.input_carrier} 被两台转换设备重复计入",
                             f"two conversions take {conv.input_carrier} of {conv.facility}", field="facility")
        by_input[key] = conv
    flows: list[Flow] = []
    supply_by: dict[str, Decimal] = defaultdict(lambda: ZERO)
    end_by: dict[str, Decimal] = defaultdict(lambda: ZERO)
    loss_by: dict[str, Decimal] = {}
    export = estimated = ZERO
    for (facility, carrier), tce in sorted(net.items()):
        supply_by[carrier] += tce
        src, b = f"supply:{carrier}", basis[(facility, carrier)]
        if tce < 0:
            flows.append(Flow(f"end:{facility}", EXPORT, carrier, -tce, b))
            export += -tce
            continue
        unit = by_input.get((facility, carrier))
        if unit is None:
            flows.append(Flow(src, f"end:{facility}", carrier, tce, b))
            end_by[facility] += tce
            continue
        loss = unit.loss_tce if unit.loss_tce is not None else tce * (ONE - (unit.efficiency or ONE))
        if loss > tce:
            raise InputError(f"转换设备 {unit.id} 的损耗 {loss} tce 大于输入 {tce} tce",
                             f"the loss of {unit.id} ({loss} tce) exceeds its input ({tce} tce)", field="loss_tce")
        node = f"conv:{unit.id}"
        flows.append(Flow(src, node, carrier, tce, b))
        flows.append(Flow(node, LOSS, carrier, loss, "estimated"))
        loss_by[unit.id] = loss
        out = tce - loss
        for target, share in unit.outputs or ((facility, ONE),):
            flows.append(Flow(node, f"end:{target}", unit.output_carrier, out * share, "estimated"))
            end_by[target] += out * share
        estimated += tce
    # an export leaves through its facility's node: it entered the balance as supply of that node
    total_supply = sum((v for v in net.values() if v > 0), ZERO) + export
    return EnergyBalance(
        flows=tuple(flows), supply_by_carrier=dict(supply_by), end_use_by_node=dict(end_by), loss_by_conversion=loss_by,
        total_supply=total_supply, total_end_use=sum(end_by.values(), ZERO),
        total_loss=sum(loss_by.values(), ZERO), total_export=export, estimated_tce=estimated,
    )
