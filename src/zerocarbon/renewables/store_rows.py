"""The energy rows of a store (battery or thermal storage) in the dispatch/sizing programme.

One formulation for every store (docs/renewables.md)::

    e_t − (1 − σ)^Δt e_{t−1} − η_c Δt c_t + Δt / η_d d_t = 0          (cyclic: e_{−1} = e_{T−1})
    e_{−1} = soc_initial · E,  e_{T−1} ≥ soc_initial · E                (when soc_initial is given)
    soc_min · E ≤ e_t ≤ soc_max · E

with E fixed (bounds of the ``e`` columns, set by the caller) or a capacity column (rows here).
"""

from __future__ import annotations

import numpy as np

from zerocarbon.renewables.lp import IntArray, LinearProgram


def add_store_rows(lp: LinearProgram, prefix: str, *, e: IntArray, c: IntArray, d: IntArray, dt: float,
                   eta_charge: float, eta_discharge: float, loss_per_hour: float, soc_initial: float | None,
                   soc_min: float, soc_max: float, energy_kwh: float, energy_col: int | None) -> None:
    """Add the balance, end and (for a sized E) limit rows of one store (module docstring).

    Parameters
    ----------
    prefix : str
        Prefix of the row-block names (``""`` for the battery: ``soc_balance`` …).
    e, c, d : array of int
        Columns of the stored energy [kWh], charge and discharge [kW].
    energy_kwh : float
        Fixed capacity E [kWh] (used when ``energy_col`` is None).
    energy_col : int or None
        Column of E when it is a decision.
    """
    n = len(e)
    t = np.arange(n)
    a = (1.0 - loss_per_hour) ** dt
    prev = np.roll(e, 1)
    terms = [(t, e, 1.0), (t, c, -eta_charge * dt), (t, d, dt / eta_discharge)]
    rhs = np.zeros(n)
    if soc_initial is None:  # cyclic: e_{-1} = e_{T-1}
        terms.append((t, prev, -a))
    else:
        terms.append((t[1:], prev[1:], -a))
        if energy_col is not None:
            terms.append((np.array([0]), np.array([energy_col]), -a * soc_initial))
        else:
            rhs[0] = a * soc_initial * energy_kwh
    lp.add_rows(prefix + "soc_balance", n, terms, lower=rhs, upper=rhs)
    if soc_initial is not None:  # end no lower than the start
        if energy_col is not None:
            lp.add_rows(prefix + "soc_end", 1, [(0, e[-1], 1.0), (0, energy_col, -soc_initial)], lower=0.0)
        else:
            lp.add_rows(prefix + "soc_end", 1, [(0, e[-1], 1.0)], lower=soc_initial * energy_kwh)
    if energy_col is not None:
        lp.add_rows(prefix + "soc_max", n, [(t, e, 1.0), (t, energy_col, -soc_max)], upper=0.0)
        if soc_min > 0:
            lp.add_rows(prefix + "soc_min", n, [(t, e, 1.0), (t, energy_col, -soc_min)], lower=0.0)
