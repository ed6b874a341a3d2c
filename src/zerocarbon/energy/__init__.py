"""Energy: comprehensive energy consumption (GB/T 2589) and intensities per unit of product."""

from zerocarbon.energy.comprehensive import (
    Coefficient,
    ComprehensiveEnergy,
    EnergyIntensity,
    EnergyLine,
    EnergyUse,
    comprehensive_energy,
    energy_intensities,
)

__all__ = [
    "Coefficient", "ComprehensiveEnergy", "EnergyIntensity", "EnergyLine", "EnergyUse", "comprehensive_energy",
    "energy_intensities",
]
