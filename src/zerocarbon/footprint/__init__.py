"""Product footprints: the one rule that allocates a factory's emissions and energy to its products
(``allocation``), sparse-matrix LCA (``lca``, ``contribution``, ``montecarlo``), data quality (``dqr``),
PACT v3 exchange (``pact``) and the traction-battery declaration arithmetic (``battery``); GB/T 24067
studies are run by ``zerocarbon.services.footprint``; CBAM embedded emissions are in cbam.py."""

from zerocarbon.footprint.allocation import ProductAllocation, allocate, product_output

__all__ = ["ProductAllocation", "allocate", "product_output"]
