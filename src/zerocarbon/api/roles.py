"""The role matrix: what each role may do in the factories it can see (one table, used to decide and to document).

Which factories a principal sees is separate (:func:`zerocarbon.services.identity.users.visible_factories`):
admin all, authority its region's, the other roles their assigned ones, an API key its own. A
factory the principal cannot see answers 404 whatever the permission; a visible factory where the
role lacks the permission answers 403.
"""

from __future__ import annotations

from enum import StrEnum


class Permission(StrEnum):
    """Things done to one factory's data."""

    READ = "read"                  # factory, hierarchy, meters, readings, activity, inventories + traces, energy,
    #                                reports, data quality, sign-offs, audit entries
    SETUP = "setup"                # PUT the factory set-up (hierarchy, meters, products, production)
    PUSH_READINGS = "readings:write"  # POST a batch of readings
    CORRECT = "readings:correct"   # POST a correction of a stored reading
    API_KEYS = "api_keys"          # create, list and revoke the factory's gateway keys
    SIGN_OFF = "signoff"           # sign off an inventory
    ALERTS = "alerts"              # acknowledge and close the factory's anomaly alerts


class GlobalPermission(StrEnum):
    """Things not tied to one factory."""

    PORTFOLIO = "portfolio"        # the aggregated view over the visible factories
    USERS = "users"                # create and change users, assign factories
    CREATE_FACTORY = "factories:create"  # PUT the set-up of a factory that does not exist yet


_ALL = frozenset(Permission)

#: role → what it may do in the factories it sees.
MATRIX: dict[str, frozenset[Permission]] = {
    "admin": _ALL,
    "factory_manager": frozenset({Permission.READ, Permission.SETUP, Permission.PUSH_READINGS, Permission.CORRECT,
                                  Permission.API_KEYS, Permission.ALERTS}),
    "data_entry": frozenset({Permission.READ, Permission.SETUP, Permission.PUSH_READINGS}),
    "verifier": frozenset({Permission.READ, Permission.SIGN_OFF}),
    "authority": frozenset({Permission.READ}),
}

#: role → global permissions.
GLOBAL: dict[str, frozenset[GlobalPermission]] = {
    "admin": frozenset(GlobalPermission),
    "factory_manager": frozenset(),
    "data_entry": frozenset(),
    "verifier": frozenset(),
    "authority": frozenset({GlobalPermission.PORTFOLIO}),
}

#: What a gateway's API key may do: push readings to its own factory, nothing else.
API_KEY_PERMISSIONS = frozenset({Permission.PUSH_READINGS})

#: Permissions that change data (a principal with none of them is read-only).
WRITES = frozenset({Permission.SETUP, Permission.PUSH_READINGS, Permission.CORRECT, Permission.API_KEYS,
                    Permission.SIGN_OFF, Permission.ALERTS})
