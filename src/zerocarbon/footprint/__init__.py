"""Product footprints: the one rule that allocates a factory's emissions and energy to its products
(later LCA matrices, GB/T 24067 studies, PACT / battery / CBAM mappers)."""

from zerocarbon.footprint.allocation import ProductAllocation, allocate, product_output

__all__ = ["ProductAllocation", "allocate", "product_output"]
