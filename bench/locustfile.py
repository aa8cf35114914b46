"""The load of ``bench/bench_pages.py``: officers searching and reading records.

Each simulated user signs in once, then, with a short pause between requests, searches
households by a member's name, opens a household, opens a settlement, or looks at the
dashboard. What to ask for (household ids, settlement codes, names, the dashboard's
path, the account) comes from the JSON file named by ``BENCH_PAGES_SAMPLE``.
"""

from __future__ import annotations

import json
import os
import random
import re

from locust import HttpUser, between, task

SAMPLE = json.loads(open(os.environ["BENCH_PAGES_SAMPLE"], encoding="utf-8").read())  # noqa: SIM115 (read once at start)
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Officer(HttpUser):
    wait_time = between(0.05, 0.25)

    def on_start(self) -> None:
        page = self.client.get("/accounts/login/", name="sign in")
        token = TOKEN.search(page.text).group(1)
        self.client.post(
            "/accounts/login/",
            {
                "username": SAMPLE["username"],
                "password": SAMPLE["password"],
                "csrfmiddlewaretoken": token,
            },
            name="sign in",
        )

    @task(4)
    def search(self) -> None:
        self.client.get(
            "/registry/households/",
            params={"q": random.choice(SAMPLE["names"])},
            name="household search",
        )

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
