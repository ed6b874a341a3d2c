"""Use cases of product footprints (GB/T 24067-2024): studies from factory data, PACT exchange, the sample.

The CLI (and later the API and dashboard) call these functions, so a footprint is computed one way.
"""

from zerocarbon.services.footprint.outputs import footprint_sample, write_study_outputs
from zerocarbon.services.footprint.run import ProductResult, StudyResult, run_study
from zerocarbon.services.footprint.study import load_study

__all__ = ["ProductResult", "StudyResult", "footprint_sample", "load_study", "run_study", "write_study_outputs"]
