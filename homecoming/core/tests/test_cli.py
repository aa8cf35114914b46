from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from homecoming.cli import main


def test_homecoming_command_accepts_hyphenated_command_names(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["homecoming", "load-demo", "--help"])
    assert exit_.value.code == 0
    assert "--households" in capsys.readouterr().out


def run(*args: str, env: dict) -> subprocess.CompletedProcess:
    command = shutil.which("homecoming") or os.path.join(
        os.path.dirname(sys.executable), "homecoming"
    )
    return subprocess.run(
        [command, *args], env=env, capture_output=True, text=True, check=False, timeout=120
    )


def test_the_console_command_migrates_and_imports_into_a_fresh_sqlite_file(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["SQLITE_PATH"] = str(tmp_path / "fresh.sqlite3")
    assert run("migrate", "--verbosity", "0", env=env).returncode == 0
    places = tmp_path / "places.csv"
    places.write_text(
        "code,kind,name,parent\nAZ,country,Azerbaijan,\n,economic_region,Karabakh,AZ\n"
    )
    checked = run("import", "places", str(places), "--dry-run", env=env)
    assert checked.returncode == 0, checked.stderr
    assert "would create 2, would update 0 (dry run: nothing written)" in checked.stdout
    places.write_text("code,kind,name,parent\nAZ,country,Azerbaijan,\n,district,Kalbajar,AZ\n")
    refused = run("import", "places", str(places), env=env)
    assert refused.returncode == 1
    assert (
        "row 3, parent: 'AZ' is a country; the parent of a district must be one of: economic_region"
        in refused.stdout
    )
    assert "1 error(s): nothing was imported" in refused.stderr
