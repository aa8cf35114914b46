"""A synthetic national return programme, written as the documented import files.

``programme.synth_programme`` draws, from a seed, places (districts and about 2,000 settlements),
hazard areas and their release, reconstruction projects with housing units, utilities,
published figures and the displaced households with their members; ``synth_write``
writes them as the CSV files that ``homecoming import`` reads (docs/data-formats.md),
in import order. The same seed gives byte-identical files. ``homecoming synth`` is the
command (an app, so that it owns it: the package imports no models); the benchmarks in
``bench/`` use it to load national volumes.
"""
