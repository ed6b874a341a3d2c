"""Forecasts, anomaly alerts and carbon budgets of the management centre (智能控碳): pure functions on hourly series."""
