"""Heat supply: heat pump, electric boiler, gas boiler.

Heat-pump COP, two documented options:

* Carnot fraction: ``COP = η_C · T_sink / (T_sink − T_source)`` with temperatures in kelvin; η_C
  (the fraction of the ideal Carnot COP reached) is a property of the machine and is **not
  defaulted here**: take it from the manufacturer's rating (e.g. EN 14511 test points) and say so.
  The Carnot COP of a heat pump is ``T_h / (T_h − T_c)`` (any thermodynamics text, e.g. Çengel &
  Boles, *Thermodynamics*, 8th ed., §6-7, eq. 6-18).
* Regression on ΔT = T_sink − T_source for domestic air- and ground-source heat pumps, Staffell,
  Brett, Brandon & Hawkes, "A review of domestic heat pumps", Energy Environ. Sci. 5 (2012)
  9291–9306, as used in PyPSA/pypsa-eur ``scripts/build_cop_profiles.py`` (before v0.11):
  ASHP ``6.81 − 0.121 ΔT + 0.000630 ΔT²``, GSHP ``8.77 − 0.150 ΔT + 0.000734 ΔT²``. Single source
  (as used by PyPSA-Eur); domestic units, so use with care for industrial machines.

Boilers convert with a constant efficiency given by the user (nameplate or test; no default).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from zerocarbon.errors import InputError

FloatArray = npt.NDArray[np.float64]
KELVIN = 273.15


def cop_carnot(t_source_c: FloatArray, t_sink_c: FloatArray | float, carnot_fraction: float,
               cop_max: float | None = None) -> FloatArray:
    """Heat-pump COP from source and sink temperatures by a Carnot fraction [-].

    Parameters
    ----------
    t_source_c : array
        Source temperature (ambient air, ground, waste heat) [°C].
    t_sink_c : array or float
        Supply (sink) temperature [°C]; must exceed the source.
    carnot_fraction : float
        η_C, fraction of the Carnot COP reached, in (0, 1] [-]; from the machine's rating.
    cop_max : float, optional
        Upper clip [-] (e.g. the manufacturer's maximum) for small lifts.
    """
    if not 0 < carnot_fraction <= 1:
        raise InputError("卡诺效率比须在 (0, 1] 内", "the Carnot fraction must be in (0, 1]",
                         field="carnot_fraction", expected="0 < η_C ≤ 1")
    tc = np.asarray(t_source_c, float) + KELVIN
    th = np.broadcast_to(np.asarray(t_sink_c, float), tc.shape) + KELVIN
    if np.any(th <= tc):
        raise InputError("供热温度须高于热源温度", "the sink temperature must exceed the source temperature",
                         field="t_sink_c", expected="T_sink > T_source [°C]")
    cop = carnot_fraction * th / (th - tc)
    return np.minimum(cop, cop_max) if cop_max is not None else cop


def cop_staffell(t_source_c: FloatArray, t_sink_c: FloatArray | float, source: str = "air") -> FloatArray:
    """Heat-pump COP by the Staffell et al. (2012) regression on ΔT [-] (module docstring).

    Parameters
    ----------
    t_source_c, t_sink_c : array
        Source and sink temperatures [°C].
    source : {"air", "ground"}
        Air-source or ground-source heat pump.
    """
    dt = np.asarray(t_sink_c, float) - np.asarray(t_source_c, float)
    if source == "air":
        return np.asarray(6.81 - 0.121 * dt + 0.000630 * dt**2, np.float64)
    if source == "ground":
        return np.asarray(8.77 - 0.150 * dt + 0.000734 * dt**2, np.float64)
    raise InputError(f"未知热泵类型 {source}", f"unknown heat-pump source {source}", field="source",
                     expected="air or ground")


def boiler_input_kw(heat_kw: FloatArray, efficiency: float) -> FloatArray:
    """Fuel or electricity input of a boiler [kW] for a heat output [kW_th] at an efficiency [-]."""
    if not 0 < efficiency <= 1.2:  # condensing gas boilers quote > 1 on the net calorific value
        raise InputError("锅炉效率须在 (0, 1.2] 内", "boiler efficiency must be in (0, 1.2]",
                         field="efficiency", expected="0 < η ≤ 1.2")
    return np.asarray(heat_kw, float) / efficiency
