"""Data quality of a footprint: primary data share and data quality ratings (DQR), as PACT defines them.

Definitions (PACT Technical Specifications v3.0.3, ``spec/v3/openapi.yaml`` of
github.com/wbcsd/data-exchange-protocol at commit cf4ebed, schemas ``CarbonFootprint`` and
``DataQualityIndicators``, referring to PACT Methodology v3 §4.2.2 and §4.2.3):

- ``primaryDataShare``: "Share of primary data in the final absolute PCF value excluding biogenic
  CO2 uptake (pcfExcludingBiogenicUptake)" [%], a decimal string in v3 (a number in v2.x).
- ``technologicalDQR``, ``geographicalDQR``, ``temporalDQR``: "Quantitative data quality rating
  (DQR) based on the data quality matrix, scoring the … representativeness of the sources used
  for the final absolute PCF excluding biogenic CO2 uptake calculation based on weighted average
  of all inputs"; each "MUST be between 1 and 5 inclusive" (v2.3: 1 to 3, with ``coveragePercent``,
  ``completenessDQR`` and ``reliabilityDQR``).

Rolled up here, over the inputs ``i`` of a footprint with contributions ``e_i`` to the PCF
excluding biogenic uptake [kgCO2e] (e.g. from :mod:`zerocarbon.footprint.contribution`):

    PDS  = 100 · Σ_i e_i · p_i / Σ_i e_i                                 [%]
    DQR  = Σ_i |e_i| · DQR_i / Σ_i |e_i|        (per dimension)          [1..5]

where ``p_i`` is the primary share of input ``i`` (1 for the factory's own measured data, 0 for a
secondary database value, the supplier's own PDS / 100 for a supplier PCF). Weights are absolute
contributions so that a credit does not lower the weight of an input. The data quality matrix
that assigns ``DQR_i`` per input (PACT Methodology v3 §4.2.3) and the Methodology's text on
weighting were not retrieved (only the schema text above): the per-input ratings are inputs of
this module and the weighting by contribution is our reading of "weighted average of all inputs".
An optional ``min_share`` drops inputs below a share of the PCF before the average (v2.3 text:
"weighted average of inputs > 5 % of PCF", PACT Technical Specifications 2.3.3,
``wbcsd/data-exchange-protocol:spec/v2/index.bs`` §Data Model, DataQualityIndicators); it is off by
default.
Results are Decimals rounded half-even to ``places`` decimals, as PACT exchanges decimal strings.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

from zerocarbon.errors import InputError

DIMENSIONS = ("technological", "geographical", "temporal")


@dataclass(frozen=True)
class InputQuality:
    """Quality of one input of a footprint.

    Attributes
    ----------
    key : str
        The input (process, material, supplier footprint …).
    emissions : Decimal
        Its contribution to the PCF excluding biogenic uptake [kgCO2e].
    primary_share : Decimal
        Share of primary data in it [fraction 0..1].
    technological, geographical, temporal : Decimal
        Its DQR per dimension [1..5].
    """

    key: str
    emissions: Decimal
    primary_share: Decimal
    technological: Decimal
    geographical: Decimal
    temporal: Decimal


@dataclass(frozen=True)
class DataQuality:
    """The rolled-up data quality of a footprint, with the inputs it came from.

    Attributes
    ----------
    primary_data_share : Decimal
        [%], 0..100.
    technological, geographical, temporal : Decimal
        DQR [1..5].
    inputs : tuple of InputQuality
        The inputs counted.
    excluded : tuple of str
        Inputs left out by ``min_share``.
    rule : str
        The definition applied, with its source.
    """

    primary_data_share: Decimal
    technological: Decimal
    geographical: Decimal
    temporal: Decimal
    inputs: tuple[InputQuality, ...]
    excluded: tuple[str, ...]
    rule: str

    def pact_dqi(self) -> dict[str, str]:
        """The v3 ``dqi`` object (decimal strings)."""
        return {"technologicalDQR": str(self.technological), "geographicalDQR": str(self.geographical),
                "temporalDQR": str(self.temporal)}


RULE = ("PACT Tech Spec v3.0.3 (wbcsd/data-exchange-protocol spec/v3/openapi.yaml, CarbonFootprint.primaryDataShare, "
        "DataQualityIndicators; PACT Methodology v3 §4.2.2-4.2.3): contribution-weighted averages over the inputs")


def check_input(q: InputQuality, row: int) -> None:
    """Raise :class:`InputError` (naming the input) when a rating or share is out of range."""
    if not Decimal(0) <= q.primary_share <= Decimal(1):
        raise InputError(f"输入 {q.key} 的初级数据比例 {q.primary_share} 不在 0 到 1 之间",
                         f"input {q.key}: primary share {q.primary_share} is not within 0..1", row=row,
                         field="primary_share", expected="a fraction 0..1")
    for dim in DIMENSIONS:
        value = getattr(q, dim)
        if not Decimal(1) <= value <= Decimal(5):
            raise InputError(f"输入 {q.key} 的 {dim} DQR {value} 不在 1 到 5 之间",
                             f"input {q.key}: {dim} DQR {value} is not within 1..5 (PACT v3)", row=row,
                             field=f"{dim}DQR", expected="1 to 5 inclusive")


def primary_data_share(inputs: Sequence[InputQuality]) -> Decimal:
    """``100 · Σ e_i p_i / Σ e_i`` [%] (PACT v3 ``primaryDataShare``, see module docstring)."""
    total = sum((q.emissions for q in inputs), Decimal(0))
    if total <= 0:
        raise InputError("足迹（不含生物源吸收）不为正，初级数据比例无定义",
                         "the PCF excluding biogenic uptake is not positive: primary data share undefined",
                         field="emissions", expected="a positive total")
    return 100 * sum((q.emissions * q.primary_share for q in inputs), Decimal(0)) / total


def weighted_dqr(inputs: Sequence[InputQuality], dimension: str) -> Decimal:
    """``Σ |e_i| DQR_i / Σ |e_i|`` for one dimension [1..5]."""
    weight = sum((abs(q.emissions) for q in inputs), Decimal(0))
    if weight == 0:
        raise InputError("没有非零贡献的输入，DQR 无定义", "no input with a non-zero contribution: DQR undefined",
                         field="emissions", expected="contributions")
    return sum((abs(q.emissions) * getattr(q, dimension) for q in inputs), Decimal(0)) / weight


def roll_up(inputs: Sequence[InputQuality], min_share: Decimal | None = None, places: int = 1) -> DataQuality:
    """The footprint's PDS and DQRs from its inputs.

    Parameters
    ----------
    inputs : sequence of InputQuality
        Every input with its contribution [kgCO2e], primary share [fraction] and DQRs [1..5].
    min_share : Decimal, optional
        Drop inputs whose |contribution| is below this fraction of Σ|e| before the DQR average
        (the v2.3 "> 5 %" rule is ``Decimal("0.05")``); the PDS always counts every input.
    places : int
        Decimals of the results (half-even).
    """
    for row, q in enumerate(inputs, start=1):
        check_input(q, row)
    quant = Decimal(1).scaleb(-places)
    pds = primary_data_share(inputs)
    counted = list(inputs)
    excluded: list[str] = []
    if min_share is not None:
        weight = sum((abs(q.emissions) for q in inputs), Decimal(0))
        counted = [q for q in inputs if abs(q.emissions) > min_share * weight]
        excluded = [q.key for q in inputs if q not in counted]
    dqr = {d: weighted_dqr(counted, d).quantize(quant, ROUND_HALF_EVEN) for d in DIMENSIONS}
    return DataQuality(primary_data_share=pds.quantize(quant, ROUND_HALF_EVEN), inputs=tuple(counted),
                       excluded=tuple(excluded), rule=RULE + (f"; inputs below {min_share} of the PCF excluded"
                                                              if min_share is not None else ""), **dqr)
