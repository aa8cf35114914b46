"""The load of ``bench/bench_pages.py``: officers searching and reading records.

Each simulated user signs in once, then, with a short pause between requests, searches
households by a member's name, browses the household list (filtered by origin in another
spelling, by status and intention, by eligibility, sorted by size, and on to pages 2 and 3),
opens a household, opens a settlement, lists settlements, hazard areas and figures, or
looks at the dashboard. What to ask for (household ids, settlement codes and names,
district codes, member names, the dashboard's path, the account) comes from the JSON file
named by ``BENCH_PAGES_SAMPLE``.
"""

from __future__ import annotations

import html
import json
import os
import random
import re

from locust import HttpUser, between, task
from locust.clients import HttpSession

SAMPLE = json.loads(open(os.environ["BENCH_PAGES_SAMPLE"], encoding="utf-8").read())  # noqa: SIM115 (read once at start)
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
NEXT = re.compile(r'<a rel="next" href="([^"]+)"')
STATUSES = ["registered", "verified"]
INTENTIONS = ["return_now", "return_later", "not_return", "unknown"]


class Officer(HttpUser):
    wait_time = between(0.05, 0.25)

    def on_start(self) -> None:
        self.sign_in(self.client, SAMPLE["username"])
        # One more session per role whose home page (its worklist) is measured.
        self.homes = {}
        for role, username in SAMPLE["homes"].items():
            session = HttpSession(self.host, self.environment.events.request, self)
            self.sign_in(session, username)
            self.homes[role] = session

    @staticmethod
    def sign_in(session: HttpSession, username: str) -> None:
        page = session.get("/accounts/login/", name="sign in")
        token = TOKEN.search(page.text).group(1)
        session.post(
            "/accounts/login/",
            {"username": username, "password": SAMPLE["password"], "csrfmiddlewaretoken": token},
            name="sign in",
        )

    @task(3)
    def home(self) -> None:
        role = random.choice(list(self.homes))
        self.homes[role].get("/", name=f"home page ({role})")

    @task(4)
    def search(self) -> None:
        self.client.get(
            "/registry/households/",
            params={"q": random.choice(SAMPLE["names"])},
            name="household search",
        )

    @task(2)
    def household_list(self) -> None:
        self.client.get("/registry/households/", name="household list")

    @task(2)
    def list_by_origin(self) -> None:
        self.client.get(
            "/registry/households/",
            params={"settlement": random.choice(SAMPLE["settlement_names"])},
            name="list by origin (another spelling)",
        )

    @task(2)
    def list_by_status_and_intention(self) -> None:
        self.client.get(
            "/registry/households/",
            params={"status": random.choice(STATUSES), "intention": random.choice(INTENTIONS)},
            name="list by status and intention",
        )

    @task(1)
    def list_by_eligibility(self) -> None:
        self.client.get(
            "/registry/households/",
            params={"eligible": random.choice(["yes", "no"])},
            name="list by eligibility",
        )

    @task(2)
    def list_by_size_pages(self) -> None:
        """Sorted by size, largest first, narrowed by accommodation, then pages 2 and 3."""
        page = self.client.get(
            "/registry/households/",
            params={"sort": "-size", "accommodation": random.choice(SAMPLE["accommodations"])},
            name="list sorted by size",
        )
        for _ in range(2):
            link = NEXT.search(page.text or "")
            if link is None:
                return
            page = self.client.get(
                "/registry/households/" + html.unescape(link.group(1)),
                name="list, pages 2 and 3",
            )

    @task(1)
    def settlement_list(self) -> None:
        self.client.get(
            "/places/settlements/",
            params={"district": random.choice(SAMPLE["districts"])},
            name="settlement list",
        )

    @task(1)
    def hazard_list(self) -> None:
        self.client.get(
            "/mineaction/hazard-areas/", params={"status": "open"}, name="hazard area list"
        )

    @task(1)
    def figure_list(self) -> None:
        self.client.get("/monitoring/figures/", name="figure list")

    @task(3)
    def household(self) -> None:
        self.client.get(
            f"/registry/households/{random.choice(SAMPLE['households'])}/", name="household page"
        )

    @task(2)
    def settlement(self) -> None:
        self.client.get(
            f"/places/settlements/{random.choice(SAMPLE['settlements'])}/", name="settlement page"
        )

    @task(1)
    def dashboard(self) -> None:
        self.client.get(SAMPLE["dashboard"], name="dashboard")
