"""Use case: the inventory of a factory for a year or a month, computed one way for every face.

The figures come from the factory's meters in the store plus its declared activity file when one is
configured (:func:`zerocarbon.services.inventory.cached.declared_file`): metered flows from the meters,
the rest from the file. A year is the cached run (:func:`zerocarbon.services.inventory.cached.year_run`,
which the dashboard's read models use too), so the API, the reports and the dashboard show the same
figures; a month is computed on the year's input with only that month's lines
totalled (:func:`zerocarbon.services.inventory.runs.run_store_inventory` with ``month``).
"""

from __future__ import annotations

from zerocarbon.model.period import Period
from zerocarbon.services.inventory import cached
from zerocarbon.services.inventory.runs import InventoryRun, run_store_inventory

__all__ = ["factory_inventory"]


def factory_inventory(factory_id: str, period: str | int | Period, url: str | None = None) -> InventoryRun:
    """The inventory of ``factory_id`` for ``period``, with the trace of every line.

    Parameters
    ----------
    factory_id : str
        The factory, as stored.
    period : str or int or Period
        A calendar year (``2023``, ``"2023"``) or a month (``"2023-05"``), in the factory's local time.
    url : str or None
        The store (default: ``ZEROCARBON_DATABASE_URL`` or the embedded file).

    Returns
    -------
    InventoryRun
        The run of the period (emissions [tCO2e]); years are cached per store version.

    Raises
    ------
    ValueError
        ``period`` is neither a year nor a month.
    InputError
        The data of the period, or the declared file, cannot be accounted (named where).
    """
    p = period if isinstance(period, Period) else Period.parse(period)
    if p.month is None:
        return cached.year_run(factory_id, p.year, url)
    return run_store_inventory(factory_id, p.year, url=url, declared=cached.declared_file(factory_id, url),
                               month=f"{p.year}-{p.month:02d}")
