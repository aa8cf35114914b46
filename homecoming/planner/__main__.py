"""``python -m homecoming.planner solve IN.json > OUT.json``.

Reads the input document, writes the plan as JSON on standard output. An input
that breaks the contract is reported on standard error with exit status 2, the
status argparse uses for bad usage, so scripts can tell it from a crash.
"""

from __future__ import annotations

import argparse
import json
import sys

from . import InvalidProblem, solve


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m homecoming.planner", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    command = commands.add_parser("solve", help="solve a planning problem read from a JSON file")
    command.add_argument("input", type=argparse.FileType("r", encoding="utf-8"))
    args = parser.parse_args(argv)
    with args.input as file:
        try:
            problem = json.load(file)
        except json.JSONDecodeError as error:
            print(f"{file.name}: not valid JSON: {error}", file=sys.stderr)
            return 2
    try:
        plan = solve(problem)
    except InvalidProblem as error:
        print(f"{file.name}: {error}", file=sys.stderr)
        return 2
    json.dump(plan.to_json(), sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
