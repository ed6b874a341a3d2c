"""Energy: comprehensive energy consumption (GB/T 2589), energy uses by carrier, intensities per unit of
product; equipment grades, savings, quota grades, the energy balance and measures (process
decarbonisation: ``equipment``, ``savings``, ``quota``, ``balance``, ``measures``)."""

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
