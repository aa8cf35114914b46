"""``python -m homecoming.planner solve IN.json``, run as users run it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from homecoming.planner.tests.test_solve import EXAMPLE

ROOT = Path(__file__).resolve().parents[3]


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "homecoming.planner", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def test_it_writes_the_plan_as_json_on_standard_output(tmp_path):
    path = tmp_path / "in.json"
    path.write_text(json.dumps(EXAMPLE))
    result = run("solve", str(path))
    assert (result.returncode, result.stderr) == (0, "")
    output = json.loads(result.stdout)
    assert output["status"] == "optimal"
    assert output["objective"] == {"priority": 35, "in_origin_settlement": 1, "surplus_rooms": 1}
    assert output["assignments"] == [{"household": "h1", "unit": "u1"}]
    assert output["explanations"]["h1"]["why"] == "housed"
    assert output["explanations"]["h1"]["rooms"] == 3


def test_it_reports_invalid_input_on_standard_error_with_status_2(tmp_path):
    path = tmp_path / "in.json"
    broken = json.loads(json.dumps(EXAMPLE))
    broken["households"][0]["priority"] = -2
    path.write_text(json.dumps(broken))
    result = run("solve", str(path))
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        f"{path}: households[0] (id 'h1'): priority must be a non-negative integer, got -2\n"
    )


def test_it_reports_a_file_that_is_not_json_with_status_2(tmp_path):
    path = tmp_path / "in.json"
    path.write_text("{households: []}")
    result = run("solve", str(path))
    assert result.returncode == 2
    assert result.stderr.startswith(f"{path}: not valid JSON: Expecting property name")


def test_it_reports_a_missing_file_with_status_2(tmp_path):
    result = run("solve", str(tmp_path / "missing.json"))
    assert result.returncode == 2
    assert "can't open" in result.stderr
