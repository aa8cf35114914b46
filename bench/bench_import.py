"""The households import at national scale, against the raw floor, on SQLite and PostgreSQL.

    python bench/bench_import.py [--sizes 10000,100000,1000000] [--databases sqlite,postgresql]
    python bench/bench_import.py --quick

For each size, ``homecoming synth`` writes a synthetic programme of that many people
(seed 1); its places are imported into a fresh, migrated database, then the people go
through ``homecoming import households`` with every check of the import (the file read as
it streams, all-or-nothing). The same file then goes through the **browser's** path: what
the worker (``homecoming db_worker``) does for an uploaded file — the check, then, once
confirmed, the import — timed by calling ``import_run_process``, the function the worker's
task calls, twice in one process as the worker would: the worker's polling for tasks is left
out (a second at most), and so is the upload (the console's file is on disk already). The
**raw floor** writes every row the import writes — the households, members, identity
documents, registration events, the search keys (derived by the same function) and the audit
trail's rows — into the same tables with no check at all, reading the same file: SQLite
``executemany`` in one transaction, PostgreSQL ``COPY``. The search keys are the
import's, the door keys (``person_door_keys``) included, and on SQLite their index is
built once after the insert, as the import builds it for a file the size of the registry
(``core.bulk.index_deferred``).
Each run is a child process with its own database copy (timed inside the child, so
interpreter start-up is left out); PostgreSQL is a throwaway cluster made by
``scripts/with_postgres.py``. Prints a Markdown section. An import that fails (at
national size) is a finding: it is shown in the table with its error and the run goes on;
the script exits 1 only when the methods land different row counts.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "homecoming.settings")
# A national households file is larger than the default 50 MB an import accepts; an
# operator loading one raises the limit the same way (docs/operations.md).
os.environ.setdefault("IMPORT_MAX_FILE_MB", "2048")

TARGET_RATIO = 3.0
# The browser's import (check, then confirmed import) against the console's.
TARGET_BROWSER = 1.2
TARGET_PEAK_MB = 1024  # at 1,000,000 members
METHODS = ("import", "browser", "floor")
SEED = 1
QUICK_SIZES = "5000"


def django_setup() -> None:
    import django

    django.setup()


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds() -> float:
    """The process's own processor time: on a machine shared with other work, a steadier
    measure than the wall clock of what one method costs beside another (the SQLite
    engine runs in the process; a PostgreSQL server's work is not counted)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# ---------------------------------------------------------------- children (one database each)


def child_browser(path: str) -> dict:
    """The worker's two tasks for an uploaded file: its check, then its confirmed import."""
    django_setup()
    from django.core.files import File

    from homecoming.accounts.models import Role, User
    from homecoming.registry.models import Household, Member
    from homecoming.site.models import ImportRun
    from homecoming.site.services import (
        import_run_confirm,
        import_run_process,
        import_run_upload,
    )

    officer = User.objects.create_user(
        username="bench", role=Role.ADMINISTRATOR, is_superuser=True, is_staff=True
    )
    with open(path, "rb") as handle:
        run = import_run_upload(
            user=officer, kind="households", upload=File(handle, name=Path(path).name)
        )
    start, cpu = time.perf_counter(), cpu_seconds()
    import_run_process(run_id=run.pk)
    checked = time.perf_counter()
    run = import_run_confirm(user=officer, run=ImportRun.objects.get(pk=run.pk))
    import_run_process(run_id=run.pk)
    seconds = time.perf_counter() - start
    run.refresh_from_db()
    if run.status != ImportRun.Status.DONE:
        raise SystemExit(
            f"the browser's import ended {run.status}: {run.report or run.check_report}"
        )
    return {
        "seconds": seconds,
        "check_seconds": checked - start,
        "cpu_seconds": cpu_seconds() - cpu,
        "peak_mb": peak_mb(),
        "households": Household.objects.count(),
        "members": Member.objects.count(),
    }


def child_import(path: str) -> dict:
    django_setup()
    from django.core.management import call_command

    from homecoming.registry.models import Household, Member

    start, cpu = time.perf_counter(), cpu_seconds()
    call_command("import", "households", path, stdout=io.StringIO())
    seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "cpu_seconds": cpu_seconds() - cpu,
        "peak_mb": peak_mb(),
        "households": Household.objects.count(),
        "members": Member.objects.count(),
    }


def _columns(model, *, ids: bool) -> tuple[list[str], dict]:
    """A model's columns in table order and each one's default, as the database takes it;
    without its auto primary key unless the floor gives ``ids``."""
    columns, defaults = [], {}
    for field in model._meta.concrete_fields:
        if field.primary_key and not ids:
            continue
        columns.append(field.column)
        default = field.get_default()
        defaults[field.column] = (
            json.dumps(default) if isinstance(default, list | dict) else default
        )
    return columns, defaults


def child_floor(path: str) -> dict:
    """Every row the import writes, straight into the same tables: the households,
    members, identity documents, registration events, search and door keys and the audit
    trail's rows. No checks, ids given, values in the database's own form."""
    django_setup()
    from django.db import connection, transaction

    from homecoming.core.bulk import index_deferred
    from homecoming.places.models import Settlement
    from homecoming.registry.models import (
        Household,
        HouseholdEvent,
        IdentityDocument,
        Member,
        MemberSearchKey,
    )
    from homecoming.registry.search_keys import person_door_keys, search_keys

    start, cpu = time.perf_counter(), cpu_seconds()
    settlements = dict(Settlement.objects.values_list("code", "id"))
    now = dt.datetime.now(dt.UTC).isoformat()
    trail_of = {model: model.history.model for model in (Household, Member, IdentityDocument)}
    tables = {model: _columns(model, ids=True) for model in (*trail_of, HouseholdEvent)}
    for model in (MemberSearchKey, *trail_of.values()):
        tables[model] = _columns(model, ids=False)
    rows: dict = {model: [] for model in tables}

    def add(model, **values) -> None:
        columns, defaults = tables[model]
        rows[model].append(tuple(values.get(c, defaults[c]) for c in columns))
        if model in trail_of:
            trail = {"history_date": now, "history_type": "+", "history_change_reason": "import"}
            add(trail_of[model], **trail, **values)

    household_id = 0
    current = None
    with open(path, encoding="utf-8", newline="") as handle:
        for member_id, record in enumerate(csv.DictReader(handle), start=1):
            if record["household"] != current:
                current, household_id = record["household"], household_id + 1
                origin = record["origin_settlement"]  # given on a household's first row
                registered_on = record["registered_on"] or dt.date.today().isoformat()  # noqa: DTZ011 (as the import does)
                add(
                    Household,
                    id=household_id,
                    reference=current,
                    origin_settlement_id=settlements[record["origin_settlement"]],
                    origin_address=record["origin_address"],
                    displaced_on=record["displaced_on"] or None,
                    accommodation=record["accommodation"] or "other",
                    intention=record["intention"] or "unknown",
                    registered_on=registered_on,
                    source=record["source"],
                )
                add(
                    HouseholdEvent,
                    id=household_id,
                    household_id=household_id,
                    at=now,
                    action="registered",
                    details=json.dumps({"source": "import"}),
                )
            birth = record["birth_date"]
            vulnerabilities = [v.strip() for v in record["vulnerabilities"].split(";") if v.strip()]
            add(
                Member,
                id=member_id,
                household_id=household_id,
                relation=record["relation"],
                given_name=record["given_name"],
                family_name=record["family_name"],
                patronymic=record["patronymic"],
                sex=record["sex"],
                birth_date=f"{birth}-01-01" if len(birth) == 4 else birth,
                birth_year_only=len(birth) == 4,
                phone=record["phone"],
                vulnerabilities=json.dumps(vulnerabilities),
                joined_on=registered_on,
            )
            number = record["document_number"]
            if number:
                add(
                    IdentityDocument,
                    id=member_id,
                    member_id=member_id,
                    type=record["document_type"],
                    number=number,
                )
            keys = search_keys(
                names=(record["given_name"], record["family_name"], record["patronymic"]),
                numbers=(current, number) if number else (current,),
                phones=(record["phone"],),
            ) | person_door_keys(
                given_name=record["given_name"],
                family_name=record["family_name"],
                patronymic=record["patronymic"],
                birth_date=dt.date.fromisoformat(f"{birth}-01-01" if len(birth) == 4 else birth),
                birth_year_only=len(birth) == 4,
                origin_settlement=origin,
            )
            for key in keys:
                add(MemberSearchKey, member_id=member_id, household_id=household_id, key=key)
    with (
        transaction.atomic(),
        connection.cursor() as cursor,
        index_deferred(MemberSearchKey, "member_search_key", when=True),
    ):
        for model, (columns, _defaults) in tables.items():
            table, names = model._meta.db_table, ", ".join(columns)
            if connection.vendor == "postgresql":
                with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    for row in rows[model]:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(columns))
                cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows[model])  # noqa: S608 (table and column names from the models)
    seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "cpu_seconds": cpu_seconds() - cpu,
        "peak_mb": peak_mb(),
        "households": Household.objects.count(),
        "members": Member.objects.count(),
    }


def child(method: str, path: str, env: dict) -> dict:
    """Run ``method`` on ``path`` in a child process with the database named in ``env``
    (and a media folder of its own, where the browser's upload is kept)."""
    with tempfile.TemporaryDirectory(prefix="homecoming-bench-media-") as media:
        done = subprocess.run(  # noqa: S603 (this script, with its own arguments)
            [sys.executable, __file__, "--child", method, path],
            env=os.environ | env | {"HOMECOMING_MEDIA_DIR": media},
            capture_output=True,
            text=True,
            check=False,
        )
    if done.returncode:  # a failure is a finding: reported in the table, not hidden
        lines = done.stderr.strip().splitlines() or ["no message"]
        return {"error": lines[-1][:200]}
    return json.loads(done.stdout.splitlines()[-1])


def homecoming(env: dict, *arguments: str) -> None:
    subprocess.run(  # noqa: S603 (the project's own command)
        [sys.executable, "-m", "homecoming", *arguments],
        env=os.environ | env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


# ---------------------------------------------------------------- one database engine, all sizes


def sqlite_suite(files: dict[int, Path], workdir: Path, methods: list[str]) -> list[dict]:
    template = workdir / "template.sqlite3"
    env = {"SQLITE_PATH": str(template)}
    homecoming(env, "migrate", "--noinput")
    homecoming(env, "import", "places", str(next(iter(files.values())).parent / "places.csv"))
    results = []
    for size, path in files.items():
        row = {"database": "SQLite", "members": size}
        for method in methods:
            database = workdir / f"{method}-{size}.sqlite3"
            shutil.copy(template, database)
            row[method] = child(method, str(path), {"SQLITE_PATH": str(database)})
            for suffix in ("", "-wal", "-shm"):
                Path(f"{database}{suffix}").unlink(missing_ok=True)
        results.append(row)
    return results


def postgresql_suite(files: dict[int, Path], methods: list[str]) -> list[dict]:
    """Run inside ``scripts/with_postgres.py``: DATABASE_URL names the throwaway cluster."""
    import psycopg

    base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    admin = psycopg.connect(f"{base}/postgres", autocommit=True)
    admin.execute("CREATE DATABASE bench_template")
    env = {"DATABASE_URL": f"{base}/bench_template"}
    homecoming(env, "migrate", "--noinput")
    homecoming(env, "import", "places", str(next(iter(files.values())).parent / "places.csv"))
    results = []
    for size, path in files.items():
        row = {"database": "PostgreSQL", "members": size}
        for method in methods:
            name = f"bench_{method}_{size}"
            admin.execute(f"CREATE DATABASE {name} TEMPLATE bench_template")
            row[method] = child(method, str(path), {"DATABASE_URL": f"{base}/{name}"})
            admin.execute(f"DROP DATABASE {name}")
        results.append(row)
    return results


def postgres_version() -> str:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    return f"PostgreSQL {found[-1].parts[-3]}" if found else "PostgreSQL"


# ---------------------------------------------------------------- report


def report(rows: list[dict], command: str) -> bool:
    print("## Households import: members through `homecoming import households`\n")
    print(
        f"`{command}` — synthetic programmes from `homecoming synth` (seed {SEED}); "
        f"{os.cpu_count()} cores. The import checks every row (names, scripts, dates, "
        "documents, one head, one household per person, references against the database) "
        "and writes all or nothing; the raw floor reads the same file and writes every row "
        "the import writes (households, members, documents, events, search keys, audit-trail "
        "rows) into the same tables with no check: SQLite `executemany` in one transaction, "
        f"PostgreSQL `COPY` ({postgres_version()}, throwaway cluster, fsync off). The browser "
        "is the worker's check, then its confirmed import, of the same file uploaded "
        "(`import_run_process`, the function the worker's task calls). "
        "Times exclude interpreter start-up.\n"
    )
    print(
        "| members | households | database | console import | raw floor "
        f"| console ÷ floor (target ≤ {TARGET_RATIO:.0f}×) | browser: check + import "
        f"| browser ÷ console (target ≤ {TARGET_BROWSER}×) | the same in processor time "
        "| import rate "
        f"| peak memory: console, browser (target < {TARGET_PEAK_MB:,} MB) |"
    )
    print("| ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    ok = True
    for row in rows:
        if "browser" not in row:  # left out (--methods): the console and the floor only
            row["browser"] = {"seconds": 0, "check_seconds": 0, "cpu_seconds": 0, "peak_mb": 0}
            row["browser"] |= {"members": row["members"], "not_run": True}
        imported, browser, floor = row["import"], row["browser"], row["floor"]
        failed = [(m, row[m]["error"]) for m in METHODS if "error" in row[m]]
        if failed:
            which, error = failed[0]
            floor_time = f"{floor['seconds']:.1f} s" if "seconds" in floor else "—"
            print(
                f"| {row['members']:,} | — | {row['database']} | **{which} failed**: `{error}` "
                f"| {floor_time} | — | — | — | — | — | — |"
            )
            continue
        ratio = imported["seconds"] / floor["seconds"]
        browser_ratio = browser["seconds"] / imported["seconds"]
        peak = max(imported["peak_mb"], browser["peak_mb"])
        peak_verdict = (
            ("holds" if peak < TARGET_PEAK_MB else "MISSES") if row["members"] >= 1_000_000 else "—"
        )
        same = imported["members"] == browser["members"] == floor["members"] == row["members"]
        ok &= same
        browser_cells = (
            f"| {browser['seconds']:.1f} s ({browser['check_seconds']:.1f} s + "
            f"{browser['seconds'] - browser['check_seconds']:.1f} s) "
            f"| {browser_ratio:.2f}×: {'holds' if browser_ratio <= TARGET_BROWSER else 'MISSES'} "
            f"| {browser['cpu_seconds']:.1f} s ÷ {imported['cpu_seconds']:.1f} s = "
            f"{browser['cpu_seconds'] / imported['cpu_seconds']:.2f}× "
        )
        if browser.get("not_run"):
            browser_cells = (
                "| not run | — | console "
                f"{imported['cpu_seconds']:.1f} s, floor {floor['cpu_seconds']:.1f} s "
            )
        print(
            f"| {row['members']:,} | {imported['households']:,} | {row['database']} "
            f"| {imported['seconds']:.1f} s | {floor['seconds']:.1f} s "
            f"| {ratio:.1f}×: {'holds' if ratio <= TARGET_RATIO else 'MISSES'} "
            + browser_cells
            + f"| {row['members'] / imported['seconds']:,.0f} members/s "
            f"| {imported['peak_mb']:,.0f} MB, {browser['peak_mb']:,.0f} MB: {peak_verdict} |"
            + ("" if same else " **row counts differ** |")
        )
    print()
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000", help="members, comma-separated")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--quick", action="store_true", help=f"smoke test: --sizes {QUICK_SIZES}")
    parser.add_argument(
        "--methods", default=",".join(METHODS), help="import and floor, browser if wanted"
    )
    parser.add_argument("--child", nargs=2, metavar=("METHOD", "FILE"), help=argparse.SUPPRESS)
    parser.add_argument("--suite", help=argparse.SUPPRESS)
    parser.add_argument("--files", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        method, path = args.child
        children = {"import": child_import, "browser": child_browser, "floor": child_floor}
        print(json.dumps(children[method](path)))
        return
    methods = args.methods.split(",")
    if args.suite:
        files = {int(k): Path(v) for k, v in json.loads(args.files).items()}
        print(json.dumps(postgresql_suite(files, methods)))
        return

    sizes = [int(s) for s in (QUICK_SIZES if args.quick else args.sizes).split(",")]
    databases = args.databases.split(",")
    django_setup()
    from homecoming.synth.programme import synth_programme, synth_write

    rows = []
    with tempfile.TemporaryDirectory(prefix="homecoming-bench-import-") as scratch:
        workdir = Path(scratch)
        files = {}
        for size in sizes:
            programme = synth_programme(persons=size, seed=SEED)
            wanted = [f for f in programme if f.kind in ("places", "households")]
            directory = workdir / str(size)
            synth_write(wanted, directory)
            files[size] = directory / "households.csv"
        # Every size has the same places (they depend on the seed only).
        for size in sizes[1:]:
            (workdir / str(size) / "places.csv").unlink()
        if "sqlite" in databases:
            rows += sqlite_suite(files, workdir, methods)
        if "postgresql" in databases:
            done = subprocess.run(  # noqa: S603 (the project's own scripts)
                [
                    sys.executable,
                    str(ROOT / "scripts" / "with_postgres.py"),
                    sys.executable,
                    __file__,
                    "--suite",
                    "postgresql",
                    "--methods",
                    args.methods,
                    "--files",
                    json.dumps({k: str(v) for k, v in files.items()}),
                ],
                capture_output=True,
                text=True,
                check=False,
            )
            if done.returncode:
                sys.exit(f"PostgreSQL suite failed:\n{done.stderr[-3000:]}")
            rows += json.loads(done.stdout.splitlines()[-1])
    command = " ".join(["python bench/bench_import.py", *sys.argv[1:]])
    if not report(sorted(rows, key=lambda r: (r["members"], r["database"] != "SQLite")), command):
        sys.exit(1)


if __name__ == "__main__":
    main()
