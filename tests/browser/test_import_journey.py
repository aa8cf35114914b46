"""A registration officer imports a households file from the browser: the check finds errors,
the officer reads them, downloads the annotated file, corrects it, uploads it again, imports
it with the progress bar, and finds it in the import history. The task worker is the real
one, a process of its own, as `make demo` runs it.

In Azerbaijani the journey asserts on structure and addresses: the import pages' words are
translated when the coordinator merges the catalogue."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from homecoming.registry.models import Household

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADER = "household,relation,given_name,family_name,sex,birth_date,origin_settlement\n"
ROWS = [
    "J-001,head,Elvin,Məmmədov,male,1975-03-02,Zar",
    "J-001,spouse,Aynur,Məmmədova,female,2199-06-11,Zar",  # a birth date in the future
    "J-002,head,Leyla,Əliyeva,female,1969-12-01,Ballija",  # outside the officer's district
    "J-003,head,Rauf,Həsənov,male,1981-04-20,Kalbajar city",
]
SLOW = 60_000  # ms: the worker is a process of its own, on a machine other tests share


def both_widths(page, screenshot, name: str) -> None:
    screenshot(name)
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(f"{name}-390")
    page.set_viewport_size({"width": 1280, "height": 860})


def upload(page, path: Path) -> None:
    page.locator("#id_kind").select_option("households")
    page.locator("#id_file").set_input_files(str(path))
    page.locator("form.narrow-form button.primary").click()


@pytest.mark.parametrize("language", ["en", "az"])
def test_an_officer_corrects_a_households_file_and_imports_it_with_a_progress_bar(
    language, kalbajar_officer, worker, page, screenshot, tmp_path
):
    page.goto("/")
    page.get_by_label("Username").fill("kalbajar")
    page.get_by_label("Password").fill("kalbajar-password")
    page.get_by_role("button", name="Sign in").click()
    if language == "az":
        page.get_by_role("button", name="AZ").click()
        expect(page.locator("html")).to_have_attribute("lang", "az")

    page.locator('.mainnav a[href="/imports/"]').click()
    page.locator('a[href="/imports/new/"]').click()
    expect(page.locator("#id_kind option")).to_have_count(2)  # households and Kobo
    bad = tmp_path / "spring.csv"
    bad.write_text(HEADER + "\n".join(ROWS) + "\n", encoding="utf-8")
    upload(page, bad)

    errors = page.locator("table.import-errors")
    expect(errors).to_be_visible(timeout=SLOW)
    expect(page).to_have_url(re.compile(r"/imports/\d+/$"))
    expect(errors.locator("tbody tr")).to_have_count(2)
    expect(errors.locator("tbody tr").nth(0)).to_contain_text("2199-06-11")
    expect(errors.locator("tbody tr").nth(1)).to_contain_text("Ballija")
    both_widths(page, screenshot, f"import-errors-{language}")

    with page.expect_download() as download:
        page.locator('a[href$="/errors.csv"]').click()
    annotated = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text())))
    assert [row["errors"] != "" for row in annotated] == [False, True, True, False]
    assert annotated[1]["errors"] == "birth_date: 2199-06-11 is in the future"

    # The officer corrects the birth date and leaves the Khojaly family to its district.
    fixed = tmp_path / "spring-corrected.csv"
    fixed.write_text(
        HEADER + "\n".join([ROWS[0], ROWS[1].replace("2199", "1979"), ROWS[3]]) + "\n",
        encoding="utf-8",
    )
    page.locator('a[href="/imports/new/?kind=households"]').click()
    expect(page.locator("#id_kind")).to_have_value("households")
    upload(page, fixed)

    confirm = page.locator("form.confirm button")
    expect(confirm).to_be_visible(timeout=SLOW)
    expect(page.locator(".would-create")).to_have_text("2")
    assert not Household.objects.exists()  # the check wrote nothing
    both_widths(page, screenshot, f"import-checked-{language}")

    confirm.click()
    expect(page.locator("#import-progress progress")).to_be_visible()
    both_widths(page, screenshot, f"import-progress-{language}")
    expect(page.locator(".verdict.ready")).to_be_visible(timeout=SLOW)
    expect(page.locator("#import-progress")).to_have_count(0)
    assert sorted(Household.objects.values_list("reference", flat=True)) == ["J-001", "J-003"]
    both_widths(page, screenshot, f"import-done-{language}")

    page.locator('.mainnav a[href="/imports/"]').click()
    history = page.locator("table.imports tbody tr")
    expect(history).to_have_count(2)
    expect(history.nth(0)).to_contain_text("spring-corrected.csv")
    expect(history.nth(0).locator(".import-status.done")).to_be_visible()
    expect(history.nth(1).locator(".import-status.refused")).to_be_visible()
    both_widths(page, screenshot, f"import-history-{language}")
