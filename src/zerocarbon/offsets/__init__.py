"""The instrument ledger (core): green electricity certificates, green-power contracts and credits,
their events, and the rules that keep a MWh or a tonne from being claimed twice. Pure: events in,
the ledger's state and every refusal with its reason out."""
