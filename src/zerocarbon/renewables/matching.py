"""Hourly matching (24/7 carbon-free energy score) and the self-supply indicators.

24/7 CFE score, as implemented in PyPSA/247-cfe ``scripts/solve_network.py`` (``cfe_constraints``;
following Xu & Jenkins, Princeton ZERO lab) and described in Google, *24/7 Carbon-Free Energy:
Methodologies and Metrics* (2021), https://sustainability.google/reports/24x7-carbon-free-energy-methodologies-metrics/
(paper text not read)::

    CFE = Σ_t [ G_clean,t + D_t − C_t − X_t + GridCFE_t · I_t ] / Σ_t L_t

clean generation and clean contracts G, storage discharge D and charge C, export X (surplus in one
hour cannot count for another), grid import I credited at the grid's hourly carbon-free share,
over the demand L. With the site's balance ``G + D − C − X + I = L`` this equals
``1 − Σ_t (1 − GridCFE_t) I_t / Σ_t L_t``, the form used here.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from zerocarbon.errors import InputError

FloatArray = npt.NDArray[np.float64]

CFE_FORMULA = "CFE = Σ_t [G_clean + D − C − X + GridCFE_t·I_t] / Σ_t L_t = 1 − Σ_t (1 − GridCFE_t)·I_t / Σ_t L_t"
CFE_SOURCE = ("PyPSA/247-cfe scripts/solve_network.py (cfe_constraints); Google, 24/7 Carbon-Free Energy: "
              "Methodologies and Metrics (2021), https://sustainability.google/reports/"
              "24x7-carbon-free-energy-methodologies-metrics/")


def hourly_matching(demand_kw: FloatArray, grid_import_kw: FloatArray,
                    grid_cfe: FloatArray | float = 0.0) -> tuple[float, FloatArray]:
    """24/7 CFE score [-] and the carbon-free part of each step's demand [kW].

    Parameters
    ----------
    demand_kw : array
        Electricity demand of the site each step (incl. heat pumps and boilers) [kW].
    grid_import_kw : array
        Grid import each step [kW].
    grid_cfe : array or float
        Carbon-free share of grid supply each step [-].
    """
    dem = np.asarray(demand_kw, float)
    imp = np.asarray(grid_import_kw, float)
    if dem.shape != imp.shape:
        raise InputError("负荷与购电序列长度不一致", "demand and import series differ in length",
                         field="grid_import_kw", expected=f"{dem.shape[0]} values")
    cfe_t = dem - (1.0 - np.asarray(grid_cfe, float)) * imp
    total = float(dem.sum())
    return (float(cfe_t.sum()) / total if total > 0 else float("nan")), cfe_t


def per_hour_matching(demand_kw: FloatArray, clean_kw: FloatArray, grid_cfe: FloatArray | float = 0.0) -> float:
    """CFE score without storage: Σ [min(L, G) + GridCFE · max(0, L − G)] / Σ L [-]."""
    dem = np.asarray(demand_kw, float)
    clean = np.asarray(clean_kw, float)
    matched = np.minimum(dem, clean) + np.asarray(grid_cfe, float) * np.maximum(0.0, dem - clean)
    return float(matched.sum() / dem.sum()) if dem.sum() > 0 else float("nan")


def self_consumption(onsite_kwh: float, export_kwh: float) -> float:
    """Share of on-site renewable generation used on site [-]: max(gen − export, 0) / gen.

    Exports are counted against on-site generation first (as in :mod:`share`).
    """
    return max(onsite_kwh - export_kwh, 0.0) / onsite_kwh if onsite_kwh > 0 else float("nan")


def self_sufficiency(onsite_kwh: float, export_kwh: float, consumed_kwh: float) -> float:
    """Share of electricity consumed that on-site generation covered [-]: max(gen − export, 0) / consumed."""
    return max(onsite_kwh - export_kwh, 0.0) / consumed_kwh if consumed_kwh > 0 else float("nan")
