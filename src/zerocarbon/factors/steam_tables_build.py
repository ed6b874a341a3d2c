"""Regenerate the steam enthalpy tables from IAPWS-IF97.

The two CSV files under ``zerocarbon/factors/data/`` are the tables that
:mod:`zerocarbon.accounting.steam` interpolates in:

``steam_saturated.csv``
    ``pressure_mpa,temperature_c,enthalpy_kj_per_kg``: saturation temperature and specific enthalpy
    of saturated vapour h'' at each absolute pressure of :data:`SATURATED_PRESSURES_MPA`.
``steam_superheated.csv``
    ``pressure_mpa,temperature_c,enthalpy_kj_per_kg`` in long format: specific enthalpy at each
    (pressure, temperature) of the grid :data:`SUPERHEATED_PRESSURES_MPA` ×
    :data:`SUPERHEATED_TEMPERATURES_C` where the temperature is above the saturation temperature.

Values come from the ``iapws`` package (IAPWS-IF97, class ``IAPWS97``), pinned to
:data:`IAPWS_VERSION`; every figure is rounded half-up to 0.01 and written as a decimal string. The
provenance, the accuracy of interpolation and a comparison with a published table are in
``steam_tables.yaml`` beside the CSV files. ``iapws`` is a development dependency only: it is
imported inside :func:`build`, so run-time code never needs it.

Run ``python -m zerocarbon.factors.steam_tables_build`` (or call :func:`build`) after changing the
grids, then re-run ``tests/accounting/test_steam.py``.
"""

from __future__ import annotations

import csv
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

#: Version of the ``iapws`` package the committed tables were generated with.
IAPWS_VERSION = "1.5.5"

#: Absolute pressures of the saturated table [MPa]. Denser where h''(p) bends most (low pressure,
#: hence the extra 0.0125 row, and above 16 MPa towards the critical point), so that linear
#: interpolation stays within 0.4 kJ/kg of IAPWS-IF97 everywhere between rows.
SATURATED_PRESSURES_MPA: tuple[str, ...] = (
    "0.01", "0.0125", "0.015", "0.02", "0.025", "0.03", "0.035", "0.04", "0.045", "0.05", "0.06",
    "0.07", "0.08", "0.09", "0.1", "0.12", "0.14", "0.16", "0.18", "0.2", "0.25", "0.3", "0.35", "0.4",
    "0.45", "0.5", "0.6", "0.7", "0.8", "0.9", "1.0", "1.2", "1.4", "1.6", "1.8", "2.0", "2.5",
    "3.0", "3.5", "4.0", "4.5", "5.0", "5.5", "6.0", "7.0", "8.0", "9.0", "10.0", "11.0", "12.0",
    "13.0", "14.0", "15.0", "16.0", "16.5", "17.0", "17.5", "18.0", "18.5", "19.0", "19.5", "19.75", "20.0",
)

#: Absolute pressures of the superheated grid [MPa]: the saturated-table pressures from 0.1 to
#: 15 MPa, so that each row of the grid starts on a row of the saturated table.
SUPERHEATED_PRESSURES_MPA: tuple[str, ...] = tuple(
    p for p in SATURATED_PRESSURES_MPA if Decimal("0.1") <= Decimal(p) <= Decimal("15")
)

#: Temperatures of the superheated grid [°C]: 100 to 600 °C in 10 °C steps.
SUPERHEATED_TEMPERATURES_C: tuple[str, ...] = tuple(str(t) for t in range(100, 601, 10))

_CENT = Decimal("0.01")
_KELVIN_OFFSET = 273.15
HEADER = ("pressure_mpa", "temperature_c", "enthalpy_kj_per_kg")


def _fixed(x: float) -> str:
    """A float as a decimal string rounded half-up to 0.01 (exact binary value, then rounded)."""
    return str(Decimal(x).quantize(_CENT, rounding=ROUND_HALF_UP))


def saturated_rows() -> list[tuple[str, str, str]]:
    """Rows of the saturated table, computed with IAPWS-IF97.

    Returns
    -------
    list of tuple of str
        ``(pressure [MPa, absolute], saturation temperature [°C], h'' [kJ/kg])``.
    """
    from iapws import IAPWS97  # dev-only dependency, see module docstring

    rows = []
    for p in SATURATED_PRESSURES_MPA:
        vapour = IAPWS97(P=float(p), x=1)
        rows.append((p, _fixed(vapour.T - _KELVIN_OFFSET), _fixed(vapour.h)))
    return rows


def superheated_rows() -> list[tuple[str, str, str]]:
    """Rows of the superheated grid, computed with IAPWS-IF97.

    Only grid states strictly above the saturation temperature at their pressure are kept.

    Returns
    -------
    list of tuple of str
        ``(pressure [MPa, absolute], temperature [°C], h [kJ/kg])``, sorted by pressure then
        temperature.
    """
    from iapws import IAPWS97  # dev-only dependency, see module docstring

    rows = []
    for p in SUPERHEATED_PRESSURES_MPA:
        t_sat_c = IAPWS97(P=float(p), x=1).T - _KELVIN_OFFSET
        for t in SUPERHEATED_TEMPERATURES_C:
            if float(t) <= t_sat_c:
                continue
            state = IAPWS97(P=float(p), T=float(t) + _KELVIN_OFFSET)
            if state.region != 2:  # pragma: no cover - the grid is chosen to stay in region 2
                raise ValueError(f"({p} MPa, {t} °C) is in IF97 region {state.region}, not 2 (vapour)")
            rows.append((p, t, _fixed(state.h)))
    return rows


def _write(path: Path, rows: list[tuple[str, str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(HEADER)
        writer.writerows(rows)


def build(data_dir: Path | None = None) -> tuple[Path, Path]:
    """Write ``steam_saturated.csv`` and ``steam_superheated.csv``.

    Parameters
    ----------
    data_dir : Path, optional
        Directory to write into; defaults to ``zerocarbon/factors/data`` beside this file.

    Returns
    -------
    tuple of Path
        The saturated and the superheated CSV written.

    Raises
    ------
    RuntimeError
        If the installed ``iapws`` is not :data:`IAPWS_VERSION` (the sidecar YAML would then
        describe other numbers than the ones written).
    """
    import iapws

    if iapws.__version__ != IAPWS_VERSION:
        raise RuntimeError(f"iapws {iapws.__version__} installed, tables are pinned to {IAPWS_VERSION}: "
                           "update IAPWS_VERSION and steam_tables.yaml together")
    out = data_dir if data_dir is not None else Path(__file__).resolve().parent / "data"
    saturated = out / "steam_saturated.csv"
    superheated = out / "steam_superheated.csv"
    _write(saturated, saturated_rows())
    _write(superheated, superheated_rows())
    return saturated, superheated


if __name__ == "__main__":
    for written in build():
        print(written)
