"""Source decarbonisation (源头减碳): the factory's load, PV/storage/heat options, dispatch and sizing for its
targets, the measure library with interactions, the MAC curve and the year-by-year roadmap.

Use cases shared by the command line (``zerocarbon plan``), the main job and (later) the API and the
dashboard: :mod:`~zerocarbon.services.planning.runs` (``make_plan``, ``plan_files``, ``plan_factory``,
``plan_run``, ``plan_sample``, ``write_plan``).
"""
