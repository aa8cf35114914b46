"""A synthetic national return programme, written as the documented import files.

``synth_programme`` draws, from a seed, places (districts and about 2,000 settlements),
hazard areas and their release, reconstruction projects with housing units, utilities,
published figures and the displaced households with their members; ``synth_write``
writes them as the CSV files that ``homecoming import`` reads (docs/data-formats.md),
in import order. The same seed gives byte-identical files. ``homecoming synth`` is the
command; the benchmarks in ``bench/`` use it to load national volumes.
"""

from homecoming.synth.programme import AS_OF, SynthFile, synth_programme, synth_write

__all__ = ["AS_OF", "SynthFile", "synth_programme", "synth_write"]
