"""Pages under load with a national registry loaded, on SQLite and PostgreSQL.

    python bench/bench_pages.py [--persons 10000,100000,1000000] [--users 4] [--seconds 60]
    python bench/bench_pages.py --quick

``homecoming synth --persons N --load`` fills a fresh database (places, hazard areas,
housing, figures, households) through the ordinary imports; gunicorn serves it with 2
workers on loopback, the task worker beside it (``homecoming db_worker``); locust
(``bench/locustfile.py``), headless, signs in a few officers of national scope who search
households by name, open households, open settlements and browse the household list (by
origin in another spelling, status and intention, eligibility, sorted by size, pages 2 and
3), list settlements, hazard areas and figures, and look at the dashboard, with 50–250 ms
between requests, for a fixed time after a warm-up. Reports p50/p95/p99 and throughput per
page next to the targets at the largest size, and each page's p95 at every size, so the
growth is visible. Each size is a fresh database; PostgreSQL is a throwaway cluster made by
``scripts/with_postgres.py``. Prints a Markdown section.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "homecoming.settings")
# A national households file is larger than the default 50 MB an import accepts; an
# operator loading one raises the limit the same way (docs/operations.md).
os.environ.setdefault("IMPORT_MAX_FILE_MB", "2048")

PAGES = {  # locust name → target p95 in ms
    "household search": 60,
    "household list": 150,
    "list by origin (another spelling)": 150,
    "list by status and intention": 150,
    "list by eligibility": 150,
    "list sorted by size": 150,
    "list, pages 2 and 3": 150,
    "settlement list": 150,
    "hazard area list": 150,
    "figure list": 150,
    "household page": 150,
    "settlement page": 150,
    "dashboard": 300,
    # The home page with its worklist (site/worklist.py), as each role that has one.
    "home page (officer)": 150,
    "home page (planner)": 150,
    "home page (administrator)": 150,
}
QUICK = {"persons": 5000, "seconds": 10, "warmup": 3}
PASSWORD = "bench-pages-password"  # noqa: S105 (a throwaway account in a throwaway database)


def homecoming(env: dict, *arguments: str) -> None:
    done = subprocess.run(  # noqa: S603 (the project's own command)
        [sys.executable, "-m", "homecoming", *arguments],
        env=os.environ | env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise RuntimeError(f"homecoming {' '.join(arguments)} failed:\n{done.stderr[-3000:]}")


def prepare(sample_path: str) -> None:
    """In a child with the database set up: the account and what the users ask for."""
    import random

    import django

    django.setup()
    from django.db.models import Count
    from django.urls import NoReverseMatch, reverse

    from homecoming.accounts.models import Role, User
    from homecoming.places.models import Area, Settlement
    from homecoming.registry.models import AccommodationKind, Household, Member

    user = User.objects.create_user("bench", password=PASSWORD, role=Role.RETURN_PLANNER)
    # The home page's worklist as each role that has one: an officer of the district with
    # the most households, and an administrator (every task, every district).
    officer = User.objects.create_user(
        "bench-officer", password=PASSWORD, role=Role.REGISTRATION_OFFICER
    )
    busiest = (
        Household.objects.values("origin_settlement__district")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .values_list("origin_settlement__district", flat=True)
        .first()
    )
    officer.districts.set([busiest] if busiest else [])
    User.objects.create_user(
        "bench-admin",
        password=PASSWORD,
        role=Role.ADMINISTRATOR,
        is_superuser=True,
        is_staff=True,
    )
    rng = random.Random(5)
    last = Household.objects.order_by("-pk").values_list("pk", flat=True).first()
    households = [rng.randint(1, last) for _ in range(500)]
    members = Member.objects.filter(household_id__in=households[:200])
    names = sorted({m.family_name for m in members} | {m.given_name for m in members})
    try:
        dashboard = reverse("monitoring:dashboard")
    except NoReverseMatch:
        dashboard = reverse("home")
    sample = {
        "username": user.username,
        "password": PASSWORD,
        "homes": {"officer": "bench-officer", "planner": "bench", "administrator": "bench-admin"},
        "households": households,
        "settlements": list(Settlement.objects.values_list("code", flat=True)),
        # the origin as someone types it: the Russian name, else the English one (the
        # pages show the Azerbaijani or the English name)
        "settlement_names": [
            ru or en for en, ru in Settlement.objects.values_list("name", "name_ru")[:500]
        ],
        "districts": list(
            Area.objects.filter(level=Area.Level.DISTRICT).values_list("code", flat=True)
        ),
        "accommodations": list(AccommodationKind.values),
        "names": names,
        "dashboard": dashboard,
        "people": Member.objects.count(),
    }
    Path(sample_path).write_text(json.dumps(sample), encoding="utf-8")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/health/", timeout=2):  # noqa: S310 (loopback)
                return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"gunicorn did not answer at {url}")


def locust(url: str, sample: str, users: int, seconds: int, prefix: str) -> dict[str, dict]:
    subprocess.run(  # noqa: S603 (locust from the same environment, fixed arguments)
        [
            str(BIN / "locust"),
            "-f",
            str(ROOT / "bench" / "locustfile.py"),
            "--headless",
            "--users",
            str(users),
            "--spawn-rate",
            str(users),
            "--run-time",
            f"{seconds}s",
            "--host",
            url,
            "--csv",
            prefix,
            "--only-summary",
            "--stop-timeout",
            "5",
            "--loglevel",
            "ERROR",
        ],
        env=os.environ | {"BENCH_PAGES_SAMPLE": sample},
        check=False,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    with open(f"{prefix}_stats.csv", encoding="utf-8") as handle:
        return {row["Name"]: row for row in csv.DictReader(handle)}


def measure(
    env: dict, persons: int, users: int, seconds: int, warmup: int, plans: str = ""
) -> dict:
    """Fill the database named by ``env``, serve it, load it; the figures per page."""
    with tempfile.TemporaryDirectory(prefix="homecoming-bench-pages-") as scratch:
        started = time.perf_counter()
        homecoming(env, "migrate", "--noinput")
        try:
            homecoming(env, "synth", "--persons", str(persons), "--seed", "1", "--load")
        except RuntimeError as exc:  # a failed national load is a finding: reported, not hidden
            return {"error": str(exc).strip().splitlines()[-1][:200], "persons": persons}
        if "DATABASE_URL" in env:  # as docs/scaling.md tells operators after a bulk import
            import psycopg

            with psycopg.connect(env["DATABASE_URL"], autocommit=True) as database:
                database.execute("VACUUM (ANALYZE)")
        loaded = time.perf_counter() - started
        sample = str(Path(scratch) / "sample.json")
        subprocess.run(  # noqa: S603 (this script, preparing its own database)
            [sys.executable, __file__, "--prepare", sample], env=os.environ | env, check=True
        )
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(  # noqa: S603 (gunicorn from the same environment)
            [
                str(BIN / "gunicorn"),
                "homecoming.wsgi",
                "--workers",
                "2",
                "--bind",
                f"127.0.0.1:{port}",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=os.environ | env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        # The task worker beside it, as in production: it counts the dashboards' figures
        # again once they are older than their period (docs/operations.md, "Caching").
        worker = subprocess.Popen(  # noqa: S603 (the project's own command)
            [sys.executable, "-m", "homecoming", "db_worker", "--no-reload", "--no-startup-delay"],
            cwd=ROOT,
            env=os.environ | env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_until_up(url)
            locust(url, sample, users, warmup, str(Path(scratch) / "warmup"))
            load = [os.getloadavg()[0]]  # other sessions on the same cores show here
            stats = locust(url, sample, users, seconds, str(Path(scratch) / "run"))
            load.append(os.getloadavg()[0])
        finally:
            for process in (server, worker):
                process.terminate()
                process.wait(timeout=60)
        if plans:  # each list query's plan on this database, after the measured run
            vendor = "postgresql" if "DATABASE_URL" in env else "sqlite"
            with open(Path(plans) / f"{vendor}-{persons}.md", "w", encoding="utf-8") as out:
                subprocess.run(  # noqa: S603 (the project's own script)
                    [sys.executable, str(ROOT / "bench" / "explain_pages.py")],
                    env=os.environ | env,
                    stdout=out,
                    check=False,
                )
        details = json.loads(Path(sample).read_text(encoding="utf-8"))
    return {
        "people": details["people"],
        "dashboard": details["dashboard"],
        "load_seconds": loaded,
        "load_average": load,
        "seconds": seconds,
        "users": users,
        "pages": {
            name: {
                "count": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "p50": float(row["50%"]),
                "p95": float(row["95%"]),
                "p99": float(row["99%"]),
                "rps": float(row["Requests/s"]),
            }
            for name, row in stats.items()
            if name in PAGES or name == "Aggregated"
        },
    }


def report(runs: dict[str, list[dict]], command: str) -> None:
    results = {db: sizes[-1] for db, sizes in runs.items()}
    failed = {db: r for db, r in results.items() if "error" in r}
    results = {db: r for db, r in results.items() if "error" not in r}
    if not results:
        for database, result in failed.items():
            print(f"## Pages under load: {result['persons']:,} people could not be loaded\n")
            print(f"{database}: `homecoming synth --load` failed: `{result['error']}`\n")
        return
    any_result = next(iter(results.values()))
    print(f"## Pages under load: {any_result['people']:,} people registered\n")
    print(
        f"`{command}` — gunicorn, 2 workers, on loopback; locust headless, "
        f"{any_result['users']} signed-in officers of national scope, 50–250 ms between "
        f"requests, {any_result['seconds']} s after a warm-up, on the same {os.cpu_count()} "
        f"cores as the server. Dashboard: `{any_result['dashboard']}`"
        + (
            " (the overview; no monitoring dashboard yet)."
            if any_result["dashboard"] == "/"
            else "."
        )
        + "\n"
    )
    print("| database | page | requests | p50 | p95 | p99 | throughput | target p95 |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |")
    for database, result in results.items():
        for name, target in [*PAGES.items(), ("Aggregated", None)]:
            page = result["pages"].get(name)
            if page is None:
                continue
            failures = f" ({page['failures']} failed)" if page["failures"] else ""
            verdict = (
                ""
                if target is None
                else f"{target} ms: " + ("holds" if page["p95"] < target else "MISSES")
            )
            print(
                f"| {database} | {'all pages' if name == 'Aggregated' else name} "
                f"| {page['count']:,}{failures} | {page['p50']:.0f} ms | {page['p95']:.0f} ms "
                f"| {page['p99']:.0f} ms | {page['rps']:.1f}/s | {verdict} |"
            )
    for database, result in failed.items():
        print(
            f"| {database} | all pages | — | — | — | — | — | not measured: loading "
            f"{result['persons']:,} people failed: `{result['error']}` |"
        )
    loads = ", ".join(f"{db} {r['load_seconds'] / 60:.1f} min" for db, r in results.items())
    averages = ", ".join(
        f"{db} {r['load_average'][0]:.1f} → {r['load_average'][1]:.1f}" for db, r in results.items()
    )
    print(
        f"\nLoading the programme through the imports (`homecoming synth --load`): {loads}. "
        f"Load average (1 min, {os.cpu_count()} cores, the server and locust included) when "
        f"the measured run began and ended: {averages}. "
        "Locust rounds response times above 100 ms to 10 ms.\n"
    )
    if any(len(sizes) > 1 for sizes in runs.values()):
        growth(runs)


def growth(runs: dict[str, list[dict]]) -> None:
    """Each page's p95 at every size: a cost that grows with the registry shows here."""
    print("### How page latency grows with the registry\n")
    print("The same load on fresh databases of each size; p95 per page, throughput of all pages.\n")
    print(f"| database | people | {' | '.join(f'{name} p95' for name in PAGES)} | throughput |")
    print(f"| --- | ---: | {' | '.join('---:' for _ in PAGES)} | ---: |")
    for database, sizes in runs.items():
        for result in sizes:
            if "error" in result:
                print(f"| {database} | {result['persons']:,} | not loaded: `{result['error']}` |")
                continue
            pages = result["pages"]
            p95s = " | ".join(
                f"{pages[name]['p95']:.0f} ms" if name in pages else "—" for name in PAGES
            )
            total = pages.get("Aggregated", {}).get("rps", 0.0)
            print(f"| {database} | {result['people']:,} | {p95s} | {total:.1f}/s |")
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--persons", default="10000,100000,1000000", help="people per run, comma-separated"
    )
    parser.add_argument("--users", type=int, default=4)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--quick", action="store_true", help="smoke test: 5,000 people, 10 s")
    parser.add_argument(
        "--plans", default="", help="a directory for each list query's plan on each database"
    )
    parser.add_argument("--prepare", help=argparse.SUPPRESS)
    parser.add_argument("--suite", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare:
        prepare(args.prepare)
        return
    if args.quick:
        args.persons, args.seconds, args.warmup = (
            str(QUICK["persons"]),
            QUICK["seconds"],
            QUICK["warmup"],
        )
    sizes = sorted(int(n) for n in args.persons.split(","))
    options = (
        args.users,
        args.seconds,
        args.warmup,
        str(Path(args.plans).resolve()) if args.plans else "",
    )
    if args.suite:  # inside scripts/with_postgres.py
        base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
        import psycopg

        runs = []
        for persons in sizes:
            with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
                admin.execute(f"CREATE DATABASE bench_pages_{persons}")
            env = {"DATABASE_URL": f"{base}/bench_pages_{persons}"}
            runs.append(measure(env, persons, *options))
            with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
                admin.execute(f"DROP DATABASE bench_pages_{persons}")  # room for the next
        print(json.dumps(runs))
        return

    runs = {}
    databases = args.databases.split(",")
    if "sqlite" in databases:
        runs["SQLite"] = []
        for persons in sizes:
            with tempfile.TemporaryDirectory(prefix="homecoming-bench-pages-db-") as scratch:
                env = {"SQLITE_PATH": str(Path(scratch) / "pages.sqlite3")}
                runs["SQLite"].append(measure(env, persons, *options))
    if "postgresql" in databases:
        suite = [sys.executable, __file__, "--suite", "--persons", args.persons]
        suite += ["--users", str(args.users), "--seconds", str(args.seconds)]
        suite += ["--warmup", str(args.warmup)]
        if args.plans:
            suite += ["--plans", str(Path(args.plans).resolve())]
        done = subprocess.run(  # noqa: S603 (the project's own scripts)
            [sys.executable, str(ROOT / "scripts" / "with_postgres.py"), *suite],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode:
            sys.exit(f"PostgreSQL run failed:\n{done.stderr[-3000:]}")
        runs["PostgreSQL"] = json.loads(done.stdout.splitlines()[-1])
    report(runs, " ".join(["python bench/bench_pages.py", *sys.argv[1:]]))


if __name__ == "__main__":
    main()
