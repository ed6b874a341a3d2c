"""The factor library: versioned data files with provenance, and the one loader."""

from zerocarbon.factors.library import (
    FactorLibrary,
    FactorRow,
    FactorValue,
    FallbackPolicy,
    Item,
    QualityTier,
    Region,
    default_library,
)

__all__ = [
    "FactorLibrary", "FactorRow", "FactorValue", "FallbackPolicy", "Item", "QualityTier", "Region", "default_library",
]
