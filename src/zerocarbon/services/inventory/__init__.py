"""Use cases of the accounting: inventories from files or the store, declared files, sign-offs, factors.

The public entry points of the README's tour are re-exported here.
"""

from zerocarbon.services.inventory.runs import (
    InventoryRun,
    explain_line,
    run_inventory,
    run_loaded,
    run_store_inventory,
)

__all__ = ["InventoryRun", "explain_line", "run_inventory", "run_loaded", "run_store_inventory"]
