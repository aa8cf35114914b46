"""pytest plugin (loaded by pyproject's ``addopts``): the test suite runs in development mode.

Without DEBUG the settings refuse the development secret key and turn on HTTPS redirects and
secure cookies. This runs before pytest-django reads the settings; pytest-django then runs
each test with ``settings.DEBUG`` off, as production does. Commands the tests start inherit it.
"""

from __future__ import annotations

import os

os.environ.setdefault("DEBUG", "1")
