"""The real task worker (`homecoming db_worker`, django-tasks-db), run as its own process
against the test database, as it runs beside the server in production."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[3]


def _worker_command(*options: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "homecoming",
        "db_worker",
        "--no-reload",
        "--no-startup-delay",
        *options,
    ]


@pytest.fixture
def worker_env(settings, tmp_path) -> dict[str, str]:
    """The environment a worker process needs to see what the test sees: its database (the
    test database, a file on SQLite) and its media folder (the uploaded files)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HOMECOMING_MEDIA_DIR": str(settings.MEDIA_ROOT)}
    name = str(connection.settings_dict["NAME"])
    if connection.vendor == "sqlite":
        env["SQLITE_PATH"] = name
    else:
        url = urlsplit(os.environ["DATABASE_URL"])
        env["DATABASE_URL"] = urlunsplit(url._replace(path=f"/{name}"))
    return env


@pytest.fixture
def run_worker(worker_env) -> Callable[[], str]:
    """Run every task waiting, in a worker process that then stops; returns its log."""

    def run() -> str:
        done = subprocess.run(
            _worker_command("--batch"),
            env=worker_env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, f"the worker stopped with an error:\n{done.stderr}"
        return done.stdout + done.stderr

    return run


@pytest.fixture
def worker(worker_env) -> Iterator[subprocess.Popen]:
    """A worker process running through the test, polling for tasks, as `make demo` runs it."""
    process = subprocess.Popen(
        _worker_command("--interval", "0.2"),
        env=worker_env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    yield process
    process.terminate()
    process.wait(timeout=30)
