"""Use case: save a factory's set-up (hierarchy, meters, events, products, production).

One function for every way a set-up arrives: the CLI's file (``zerocarbon store load FILE``, read by
:func:`zerocarbon.services.metering.intake.load_factory_setup`) and the API's JSON body
(PUT /factories/{id}/setup). Document: :class:`~zerocarbon.model.metering.FactorySetup`.
"""

from __future__ import annotations

from zerocarbon.model.metering import FactorySetup
from zerocarbon.store.factories import save_factory_setup

__all__ = ["save_setup"]


def save_setup(setup: FactorySetup, url: str | None = None) -> dict[str, int]:
    """Save ``setup`` to the store; saving the same set-up twice changes nothing.

    A save that changes something appends one ``factory.save`` entry to the audit chain.

    Parameters
    ----------
    setup : FactorySetup
        The validated set-up of one factory.
    url : str or None
        The store (default: ``ZEROCARBON_DATABASE_URL`` or the embedded file).

    Returns
    -------
    dict of str to int
        The store ids of the factory's meters, by code.

    Raises
    ------
    InputError
        The node hierarchy has a cycle.
    """
    return save_factory_setup(setup, url)
