"""Renewables: the renewable share of electricity (``share``); PV, wind, storage and heat models, dispatch
and sizing on HiGHS, hourly matching (``pv``, ``wind``, ``storage``, ``heat``, ``tariffs``, ``dispatch``,
``sizing``, ``matching``)."""

from zerocarbon.renewables.share import FORMULA, RenewableShare, renewable_share

__all__ = ["FORMULA", "RenewableShare", "renewable_share"]
