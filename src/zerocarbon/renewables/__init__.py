"""Renewables: the renewable share of electricity (later simulation, dispatch, sizing, hourly matching)."""

from zerocarbon.renewables.share import FORMULA, RenewableShare, renewable_share

__all__ = ["FORMULA", "RenewableShare", "renewable_share"]
