"""The server process as gunicorn starts it."""

from __future__ import annotations

import os
import subprocess
import sys


def test_the_server_process_leaves_what_start_up_made_out_of_garbage_collection():
    shown = "import gc, homecoming.wsgi; print(gc.get_freeze_count())"
    done = subprocess.run(  # noqa: S603 (this interpreter, fixed code)
        [sys.executable, "-c", shown],
        env=os.environ | {"DJANGO_SETTINGS_MODULE": "homecoming.settings"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert int(done.stdout) > 50_000  # every view imported, then frozen
