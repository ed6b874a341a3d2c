"""Wind turbines: power curves and hub-height wind speed.

Hub-height speed (two documented laws):

* logarithmic profile (neutral stability): ``v_hub = v_ref · ln(h_hub / z0) / ln(h_ref / z0)``
  (e.g. Manwell, McGowan & Rogers, *Wind Energy Explained*, 2nd ed., Wiley 2009, §2.3.3, eq. 2.36);
* power law: ``v_hub = v_ref · (h_hub / h_ref)^α`` (same book, §2.3.3, eq. 2.37); ``α = 1/7`` is the
  classical neutral-stability exponent (Peterson & Hennessey, "On the use of power laws for
  estimates of wind power potential", J. Appl. Meteorol. 17 (1978) 390–394).

Power curves: linear interpolation of a tabulated curve, zero below the first and above the last
tabulated speed (the last point is taken as cut-out unless the user gives ``cut_out_ms``).
The library holds only curves with a public source (:data:`CURVES`); anything else is a user curve.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from zerocarbon.errors import InputError

FloatArray = npt.NDArray[np.float64]

#: Exponent of the one-seventh power law (Peterson & Hennessey 1978).
ONE_SEVENTH = 1.0 / 7.0


@dataclass(frozen=True)
class PowerCurve:
    """A turbine power curve.

    Attributes
    ----------
    name : str
        Turbine name.
    speeds_ms : tuple of float
        Hub-height wind speeds, increasing [m/s].
    power_kw : tuple of float
        Electrical output at those speeds [kW] (negative values, e.g. measured self-consumption,
        are clipped to 0).
    rated_kw : float
        Rated power [kW].
    hub_height_m : float or None
        Reference hub height [m] where the source states one.
    source : str
        Where the curve comes from.
    cut_out_ms : float or None
        Cut-out speed [m/s]; default the last tabulated speed.
    """

    name: str
    speeds_ms: tuple[float, ...]
    power_kw: tuple[float, ...]
    rated_kw: float
    hub_height_m: float | None
    source: str
    cut_out_ms: float | None = None

    def __post_init__(self) -> None:
        s = np.asarray(self.speeds_ms, float)
        if len(s) < 2 or len(s) != len(self.power_kw) or np.any(np.diff(s) <= 0):
            raise InputError(
                f"风机功率曲线 {self.name} 无效：风速须严格递增且与功率一一对应",
                f"power curve {self.name} is invalid: speeds must increase strictly and match the powers",
                field="power_curve", expected="≥ 2 increasing speeds [m/s] with one power [kW] each",
            )
        if not self.source.strip():
            raise InputError(f"风机功率曲线 {self.name} 缺少来源", f"power curve {self.name} has no source",
                             field="source", expected="document or repository path of the curve")


_SRC_IEA34 = ("IEA Wind TCP Task 37 3.4 MW reference turbine (130 m rotor, 110 m hub), as tabulated in "
              "NREL/turbine-models, turbine_models/data/Onshore/IEA_Reference_3.4MW_130.csv "
              "(github.com/NREL/turbine-models); 26 of its 50 points (incl. cut-in, rated, cut-out), "
              "power rounded to 0.1 kW")
_SRC_GE15 = ("DOE/GE 1.5 MW SLE (77 m rotor, 80 m hub) measured curve, NREL/turbine-models, "
             "turbine_models/data/Onshore/DOE_GE_1.5MW_77.csv (github.com/NREL/turbine-models); "
             "negative values (self-consumption) clipped to 0")

#: Library of curves with a public source.
CURVES: dict[str, PowerCurve] = {
    "IEA_3.4MW_130": PowerCurve(
        "IEA_3.4MW_130",
        (3.0, 4.0485, 4.973, 5.7654, 6.4186, 6.9269, 7.2857, 7.4919, 7.5435, 7.6468, 7.9041, 8.3132,
         8.8703, 9.5707, 9.8127, 10.8757, 11.9041, 13.0487, 14.2995, 15.6452, 17.074, 18.5731, 20.1292,
         21.7286, 23.357, 25.0),
        (51.6, 213.2, 436.0, 688.9, 949.7, 1193.7, 1389.0, 1510.2, 1541.7, 1605.9, 1773.5, 2063.3, 2506.6,
         3148.5, 3370.0, 3370.0, 3370.0, 3370.0, 3370.0, 3370.0, 3370.0, 3370.0, 3370.0, 3370.0, 3370.0,
         3370.0),
        3370.0, 110.0, _SRC_IEA34),
    "DOE_GE_1.5MW_77": PowerCurve(
        "DOE_GE_1.5MW_77",
        (2.97, 3.51, 3.97, 4.52, 5.01, 5.52, 5.99, 6.52, 7.04, 7.51, 8.0, 8.49, 9.01, 9.52, 10.03, 10.48,
         10.99, 11.49, 11.98, 12.52, 12.97, 13.51, 13.97, 14.43, 15.01, 16.46, 18.0, 19.96, 21.45),
        (0.59, 18.91, 58.88, 100.82, 162.89, 235.1, 303.63, 399.01, 513.9, 608.8, 742.33, 853.63, 975.43,
         1096.64, 1200.0, 1260.0, 1318.0, 1390.0, 1400.0, 1453.0, 1452.0, 1478.0, 1482.0, 1496.0, 1498.0,
         1505.0, 1497.0, 1511.0, 1499.0),
        1500.0, 80.0, _SRC_GE15),
}


def hub_speed_log(v_ref_ms: FloatArray, h_ref_m: float, h_hub_m: float, z0_m: float) -> FloatArray:
    """Wind speed at hub height by the logarithmic law [m/s].

    Parameters
    ----------
    v_ref_ms : array
        Measured speed at ``h_ref_m`` [m/s].
    h_ref_m, h_hub_m : float
        Measurement and hub heights [m].
    z0_m : float
        Surface roughness length [m] (site-specific; no default is assumed).
    """
    if min(h_ref_m, h_hub_m) <= z0_m or z0_m <= 0:
        raise InputError("高度须大于粗糙度长度且粗糙度 > 0", "heights must exceed the roughness length z0 > 0",
                         field="z0_m", expected="0 < z0 < heights [m]")
    return np.asarray(np.asarray(v_ref_ms, float) * (np.log(h_hub_m / z0_m) / np.log(h_ref_m / z0_m)), np.float64)


def hub_speed_power(v_ref_ms: FloatArray, h_ref_m: float, h_hub_m: float,
                    alpha: float = ONE_SEVENTH) -> FloatArray:
    """Wind speed at hub height by the power law ``v (h_hub/h_ref)^α`` [m/s]."""
    if h_ref_m <= 0 or h_hub_m <= 0:
        raise InputError("高度须为正", "heights must be positive", field="h_ref_m/h_hub_m", expected="> 0 m")
    return np.asarray(np.asarray(v_ref_ms, float) * (h_hub_m / h_ref_m) ** alpha, np.float64)


def turbine_output_kw(curve: PowerCurve, v_hub_ms: FloatArray) -> FloatArray:
    """Electrical output of one turbine [kW] at hub-height speeds [m/s] (interpolated curve)."""
    v = np.asarray(v_hub_ms, float)
    s = np.asarray(curve.speeds_ms, float)
    p = np.clip(np.asarray(curve.power_kw, float), 0.0, None)
    out = np.interp(v, s, p, left=0.0, right=0.0)
    cut_out = curve.cut_out_ms if curve.cut_out_ms is not None else s[-1]
    out[(v < s[0]) | (v > cut_out)] = 0.0
    return np.asarray(out, np.float64)


def capacity_factor(curve: PowerCurve, v_hub_ms: FloatArray) -> FloatArray:
    """Hourly output per unit of rated power [kW/kW], the profile used by dispatch and sizing."""
    return turbine_output_kw(curve, v_hub_ms) / curve.rated_kw
