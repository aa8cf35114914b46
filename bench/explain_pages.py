"""The list pages' queries, their time and their plans, on the database of the environment.

    DEBUG=1 SQLITE_PATH=... python bench/explain_pages.py
    DEBUG=1 DATABASE_URL=... python bench/explain_pages.py

Asks each list page the benchmark asks for (``bench/locustfile.py``: the household list
by each filter and sort, and its next page; settlements, hazard areas, figures) as a
signed-in return planner of national scope, twice (the second warm), and prints every
query the second asked, with its time and its plan: ``EXPLAIN QUERY PLAN`` on SQLite,
``EXPLAIN ANALYZE`` on PostgreSQL. ``bench/bench_pages.py --plans DIR`` runs it on each
database it loaded.
"""

from __future__ import annotations

import html
import os
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "homecoming.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from homecoming.accounts.models import Role, User  # noqa: E402
from homecoming.places.models import Settlement  # noqa: E402
from homecoming.registry.models import Household  # noqa: E402

NEXT = re.compile(r'<a rel="next" href="([^"]+)"')
LIST = "/registry/households/"


def pages() -> dict[str, str]:
    spelling = Settlement.objects.order_by("pk").values_list("name_ru", "name")[7]
    return {
        "household list": LIST,
        "list by origin (another spelling)": f"{LIST}?settlement={spelling[0] or spelling[1]}",
        "list by status and intention (none match)": f"{LIST}?status=verified&intention=return_now",
        "list by status and intention": f"{LIST}?status=registered&intention=not_return",
        "list by eligibility (eligible)": f"{LIST}?eligible=yes",
        "list by eligibility (not eligible)": f"{LIST}?eligible=no",
        "list sorted by size": f"{LIST}?sort=-size&accommodation=hostel",
        "list sorted by registration": f"{LIST}?sort=-registered",
        "settlement list": "/places/settlements/",
        "hazard area list": "/mineaction/hazard-areas/?status=open",
        "figure list": "/monitoring/figures/",
        "home page (planner)": "/",
    }


def plan(sql: str) -> list[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"EXPLAIN (ANALYZE, TIMING OFF, SUMMARY ON) {sql}")
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
        return [row[3] for row in cursor.fetchall()]


def explain(client: Client, name: str, url: str) -> str | None:
    """Print the page's queries and plans; the URL of its next page, if any."""
    client.get(url)
    with CaptureQueriesContext(connection) as asked:
        started = time.perf_counter()
        response = client.get(url)
        spent = (time.perf_counter() - started) * 1000
    print(f"\n## {name}: {url}\n\n{response.status_code}, {spent:.0f} ms, {len(asked)} queries\n")
    for query in asked.captured_queries:
        sql = query["sql"]
        if not sql.startswith("SELECT") or "django_session" in sql:
            continue
        print(f"- {float(query['time']) * 1000:.1f} ms: {sql[:400]}")
        for step in plan(sql):
            print(f"      {step}")
    found = NEXT.search(response.content.decode())
    return LIST + html.unescape(found.group(1)) if found and url.startswith(LIST) else None


def main() -> None:
    user, _ = User.objects.get_or_create(
        username="bench-explain", defaults={"role": Role.RETURN_PLANNER}
    )
    client = Client()
    client.force_login(user)
    print(f"# The list pages' queries on {connection.vendor}")
    for name, url in pages().items():
        following = explain(client, name, url)
        if following and "sort=" in url:
            explain(client, f"{name}, page 2", following)
    # The home page's worklist as the other roles that have one (bench_pages.py: prepare).
    busiest = (
        Household.objects.values("origin_settlement__district")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .values_list("origin_settlement__district", flat=True)
        .first()
    )
    officer, _ = User.objects.get_or_create(
        username="bench-explain-officer", defaults={"role": Role.REGISTRATION_OFFICER}
    )
    officer.districts.set([busiest] if busiest else [])
    administrator, _ = User.objects.get_or_create(
        username="bench-explain-admin",
        defaults={"role": Role.ADMINISTRATOR, "is_superuser": True, "is_staff": True},
    )
    for role, user in [("officer", officer), ("administrator", administrator)]:
        client.force_login(user)
        explain(client, f"home page ({role})", "/")


if __name__ == "__main__":
    main()
