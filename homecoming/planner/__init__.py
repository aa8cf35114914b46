"""The return planner: allocation of housing to households, free of Django.

Plain data in, plain data out, so that it can be tested, benchmarked and reused
on its own. Nothing in this package may import Django or the apps
(``homecoming/core/tests/test_layout.py`` checks it).
"""
