"""hemismart-site: the public information site of the HEM-iSMART-B trial.

The pipeline reads from the module names:
load → validate → localize → render → write → build (MkDocs) → check.
"""

__version__ = "0.1.0"
