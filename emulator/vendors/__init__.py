"""The emulated vendors: one package each, found through this entry-point group.

The contract they implement is `emulator.vendors.base`; discovery is `emulator.vendors.registry`.
"""

ENTRY_POINT_GROUP = "purchase_emulator.vendors"
