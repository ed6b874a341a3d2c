"""Meter time series: validation, interval consumption, roll-ups and hourly carbon (Arrow/DuckDB)."""
