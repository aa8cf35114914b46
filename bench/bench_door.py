"""Duplicates caught at the door: one household checked against a national registry.

    python bench/bench_door.py [--persons 1000000] [--checks 200]
    python bench/bench_door.py --quick
    python bench/bench_door.py --persons 1000000 --database /tmp/door.sqlite3  # keeps it
    python scripts/with_postgres.py python bench/bench_door.py --persons 1000000
    DATABASE_URL=postgres://... python bench/bench_door.py  # a database already loaded

``homecoming synth --persons N`` writes the synthetic programme's files; its places and
households are imported into a fresh SQLite database by the ordinary imports (into the
PostgreSQL database ``DATABASE_URL`` names when it is set, e.g. by
``scripts/with_postgres.py``; then vacuumed and analysed after the import, as
docs/scaling.md says; a database that already holds a registry is reused). The
batch (``find_duplicates`` on every registered member, with the
options ``registry.matching`` uses) runs once and its model is kept, as
``homecoming duplicates find`` keeps it. Then:

1. Latency: ``registry.door.household_matches_at_registration`` for registered
   households of five, given as new registrations (each finds at least itself): p50
   and p95 over ``--checks`` households, after one warm-up check (which builds the
   scorer's SQL once per process).
2. Verdicts: for a sample of the batch's member pairs, the door is given one member
   as new and finds its candidates through the indexes; the pair must be found, with
   the batch's probability to the last digit.

Prints a Markdown section; exits 1 if a verdict differs or the p95 misses its target.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

P95_TARGET_MS = 200
QUICK = {"persons": 5000, "checks": 50}


def load(database: Path, persons: int, scratch: Path) -> float:
    """The synthetic programme's places and households (``homecoming synth``, imported
    by the ordinary imports); the other files (hazards, housing, figures) play no part
    in the check, so they are not loaded."""
    env = os.environ | {"SQLITE_PATH": str(database), "IMPORT_MAX_FILE_MB": "4096"}
    started = time.perf_counter()

    def homecoming(*arguments: str) -> None:
        subprocess.run(  # noqa: S603 (the project's own command)
            [sys.executable, "-m", "homecoming", *arguments], env=env, check=True,
            capture_output=True,
        )  # fmt: skip

    if "DATABASE_URL" in env:  # a fresh cluster has no database of that name yet
        import psycopg

        base, name = env["DATABASE_URL"].rsplit("/", 1)
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                admin.execute(f'CREATE DATABASE "{name}"')
    homecoming("migrate", "--noinput")
    homecoming("synth", "--persons", str(persons), "--out", str(scratch))
    for kind in ("places", "households"):
        (path,) = scratch.glob(f"*{kind}*")
        homecoming("import", kind, str(path))
    if "DATABASE_URL" in env:
        import psycopg

        with psycopg.connect(env["DATABASE_URL"], autocommit=True) as database:
            database.execute("VACUUM (ANALYZE)")
    return time.perf_counter() - started


def loaded_already(database: Path) -> bool:
    """Whether a registry is there from an earlier run: the SQLite file ``--database``
    names, or, with ``DATABASE_URL``, a PostgreSQL database that holds households."""
    if "DATABASE_URL" not in os.environ:
        return database.exists()
    import psycopg

    try:
        with psycopg.connect(os.environ["DATABASE_URL"]) as connection:
            return bool(connection.execute("SELECT 1 FROM registry_household LIMIT 1").fetchone())
    except psycopg.Error:  # no such database or table yet: a fresh cluster
        return False


def reuse(database: Path) -> float:
    """A registry loaded by an earlier run, brought to the current migrations; returns 0,
    the import's time not being measured again."""
    env = os.environ | {"SQLITE_PATH": str(database)}
    subprocess.run(  # noqa: S603 (the project's own command)
        [sys.executable, "-m", "homecoming", "migrate", "--noinput"], env=env, check=True,
        capture_output=True,
    )  # fmt: skip
    return 0.0


def measure(checks: int, pairs_checked: int) -> dict:
    import django

    django.setup()
    from homecoming.accounts.models import User
    from homecoming.dedup.door import score_new_records
    from homecoming.dedup.link import find_duplicates
    from homecoming.registry import door
    from homecoming.registry.matching import (
        MEMBER_THRESHOLD,
        linkage_model_keep,
        linkage_records,
        member_records,
        registered_members,
    )
    from homecoming.registry.models import Household
    from homecoming.registry.services import DocumentInput, MemberInput

    records, by_id = member_records()
    started = time.perf_counter()
    u_sample_pairs = min(1e7, max(1e6, 100.0 * len(records)))  # as registry.matching
    batch = find_duplicates(records, threshold=MEMBER_THRESHOLD, u_sample_pairs=u_sample_pairs)
    batch_seconds = time.perf_counter() - started
    linkage_model_keep(batch.model, records=len(records))

    officer = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser(
        "bench-door",
        password="bench-door-password",  # noqa: S106 (throwaway database)
    )
    rng = random.Random(1)
    five = list(
        Household.objects.filter(size=5)
        .exclude(status=Household.Status.WITHDRAWN)
        .values_list("pk", flat=True)[:20_000]
    )
    chosen = rng.sample(five, min(checks + 1, len(five)))
    timings, cpu_timings, found = [], [], 0
    for index, household_id in enumerate(chosen):
        household = Household.objects.select_related("origin_settlement").get(pk=household_id)
        members = [
            MemberInput(
                m.relation, m.given_name, m.family_name, m.sex, m.patronymic, m.birth_date,
                m.birth_year_only,
                documents=tuple(DocumentInput(d.type, d.number) for d in m.documents.all()),
            )
            for m in household.members.filter(left_on=None)
        ]  # fmt: skip
        started, cpu = time.perf_counter(), time.process_time()
        matches = door.household_matches_at_registration(
            members=members, origin_settlement=household.origin_settlement, by=officer
        )
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        if index:  # the first builds the scorer's SQL
            timings.append(elapsed * 1000)
            cpu_timings.append(cpu * 1000)
            found += any(match.household.pk == household_id for match in matches)

    # Verdicts: each sampled batch pair, its right member's household given to the door
    # as new, against its candidates (as door._matches does).
    sample = rng.sample(batch.pairs, min(pairs_checked, len(batch.pairs)))
    record = {r["id"]: r for r in records}
    households: dict[str, list[dict]] = {}
    for r in records:
        households.setdefault(r["household"], []).append(r)
    same = missed = differ = 0
    for pair in sample:
        new = households[record[pair.id_r]["household"]]
        candidates = registered_members().filter(pk__in=door._candidates(new))
        candidates = candidates.exclude(household=int(new[0]["household"]))
        registered = linkage_records(candidates)
        scored = {
            (p.id_l, p.id_r): p for p in score_new_records(
                batch.model, new, registered, threshold=MEMBER_THRESHOLD,
                households=door._households_records,
            )
        }  # fmt: skip
        if (pair.id_r, pair.id_l) not in scored:
            missed += 1
        elif scored[pair.id_r, pair.id_l].match_probability == pair.match_probability:
            same += 1
        else:
            differ += 1
    del by_id, households
    return {
        "records": len(records),
        "batch_seconds": batch_seconds,
        "batch_pairs": len(batch.pairs),
        "p50": statistics.median(timings),
        "p95": _p95(timings),
        "cpu_p50": statistics.median(cpu_timings),
        "cpu_p95": _p95(cpu_timings),
        "checks": len(timings),
        "found_itself": found,
        "pairs": len(sample),
        "same": same,
        "missed": missed,
        "differ": differ,
    }


def _p95(timings: list[float]) -> float:
    return statistics.quantiles(timings, n=20)[-1] if len(timings) > 1 else timings[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--checks", type=int, default=200)
    parser.add_argument("--pairs", type=int, default=500)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument(
        "--database",
        type=Path,
        help="an SQLite file to keep the loaded registry in; an existing one is reused"
        " (migrated, not loaded again), so that a second run skips the import",
    )
    options = parser.parse_args()
    if options.quick:
        options.persons, options.checks = QUICK["persons"], QUICK["checks"]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "homecoming.settings")
    os.environ.setdefault("DEBUG", "1")  # a throwaway database: no secret key needed
    with tempfile.TemporaryDirectory(prefix="homecoming-bench-door-") as scratch:
        database = options.database or Path(scratch) / "door.sqlite3"
        files = Path(scratch) / "files"
        files.mkdir()
        loaded = (
            reuse(database) if loaded_already(database) else load(database, options.persons, files)
        )
        os.environ["SQLITE_PATH"] = str(database)
        result = measure(options.checks, options.pairs)
    ok = result["differ"] == 0 and result["missed"] == 0 and result["p95"] < P95_TARGET_MS
    database = "PostgreSQL" if "DATABASE_URL" in os.environ else "SQLite"
    print("## Duplicates caught at the door (`bench/bench_door.py`)\n")
    print(
        f"{database}, {result['records']:,} registered people (`homecoming synth --persons "
        f"{options.persons}`, places and households imported"
        f"{f', {loaded:.0f} s' if loaded else ', by an earlier run'}); "
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}. "
        f"Load average {os.getloadavg()[0]:.1f} at the end: other sessions shared the "
        "machine while it ran, so the times are upper bounds.\n"
    )
    print("| measure | result | target |\n|---|---|---|")
    print(
        f"| one household of five checked, p95 (p50) over {result['checks']} | "
        f"{result['p95']:.0f} ms ({result['p50']:.0f} ms) | < {P95_TARGET_MS} ms |"
    )
    print(
        f"| the same, CPU time of the checking process (SQLite's included, not PostgreSQL "
        f"server's) | {result['cpu_p95']:.0f} ms ({result['cpu_p50']:.0f} ms) | — |"
    )
    print(
        f"| households that found their own registration | {result['found_itself']} of "
        f"{result['checks']} | all |"
    )
    print(
        f"| batch pairs re-found at the door with the batch's probability | "
        f"{result['same']} of {result['pairs']} (missed {result['missed']}, "
        f"differ {result['differ']}) | all |"
    )
    print(
        f"| the batch itself (`find_duplicates`, for reference) | {result['batch_seconds']:.0f} s,"
        f" {result['batch_pairs']:,} member pairs | — |"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
