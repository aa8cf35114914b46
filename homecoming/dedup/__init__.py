"""Finding people registered twice: cross-script name keys, birth-date levels, Splink.

Plain Python (no Django): see docs/dedup.md.
"""
