"""The zero-carbon verdict (core): criteria sets as data, evaluation with the gap list, and the
self-check of the energy-carbon management centre's functions. Pure: indicators in, verdicts out."""
