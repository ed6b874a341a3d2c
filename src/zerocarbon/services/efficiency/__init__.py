"""Process decarbonisation (过程脱碳): the equipment register, grades, savings, quota indicators, balance.

Use cases shared by the command line (``zerocarbon efficiency``), the API (``/api/v1/efficiency``),
the dashboard and the main job: :mod:`~zerocarbon.services.efficiency.runs`.
"""
