"""The household list as a case list: columns, filters, sort, keyset paging, honest count."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import make_table
from homecoming.housing.models import Utility
from homecoming.registry import selectors
from homecoming.registry.imports import households_import
from homecoming.registry.models import DuplicateCandidate, Household, Member
from homecoming.registry.services import member_search_keys_refresh
from homecoming.returns.selectors import eligibility

pytestmark = pytest.mark.django_db

LIST = "/registry/households/"


def listed(response) -> list[str]:
    return [h.reference for h in response.context["page"]]


def next_link(response, rel: str = "next") -> str | None:
    found = re.search(rf'<a rel="{rel}" href="([^"]+)"', response.content.decode())
    return LIST + unescape(found.group(1)) if found else None


def ready_for_return(settlement) -> None:
    """Commission every required service: with no hazard area around, nothing holds it back."""
    for service in settings.RETURN_REQUIRED_SERVICES:
        Utility.objects.create(
            settlement=settlement,
            service=service,
            status=Utility.Status.COMMISSIONED,
            commissioned_on=dt.date(2024, 1, 1),
        )


def test_each_row_shows_the_head_size_origin_and_every_state_in_words(
    client_for, planner, places, make_household
):
    household = make_household(
        places.ballija, ("Rəşad", "Quliyev"), ("Aygün", "Quliyeva"), ("Elvin", "Quliyev")
    )
    head = household.members.get(relation=Member.Relation.HEAD)
    head.patronymic = "Əli oğlu"
    head.save()
    household.members.filter(given_name="Elvin").update(left_on=dt.date(2025, 1, 1))
    member_search_keys_refresh(households=[household])
    household.accommodation = "with_relatives"
    household.intention = Household.Intention.RETURN_LATER
    household.save(update_fields=["accommodation", "intention"])
    page = client_for(planner).get(LIST)
    row = re.search(r"<tbody>(.*?)</tbody>", page.content.decode(), re.S).group(1)
    assert "Rəşad Əli oğlu Quliyev" in row
    assert re.search(r'<td class="num">2</td>', row)  # the member who left is not counted
    assert "Ballija" in row
    assert "Khojaly" in row
    for code in ("with_relatives", "return_later", "registered"):
        assert code not in row
    assert household.get_accommodation_display() in row
    assert "Return later" in row
    assert "Registered" in row
    assert "Not eligible" in row


def test_the_origin_is_found_by_any_spelling_of_the_settlement_or_its_code(
    client_for, planner, places, make_household
):
    ballija = make_household(places.ballija)
    make_household(places.zar)
    client = client_for(planner)
    for spelling in ("Ballıca", "ballica", "BALLIJA", places.ballija.code):
        assert listed(client.get(LIST, {"settlement": spelling})) == [ballija.reference]
    none = client.get(LIST, {"settlement": "Atlantis"})
    assert listed(none) == []
    assert "No settlement is called" in none.content.decode()


def test_the_settlement_picker_suggests_settlements_by_any_spelling(client_for, planner, places):
    response = client_for(planner).get("/places/settlements/choices/", {"settlement": "Ballıca"})
    assert '<option value="Ballija (Khojaly)"></option>' in response.content.decode()


def test_status_intention_accommodation_and_eligibility_each_narrow_the_list(
    client_for, planner, places, make_household
):
    ready_for_return(places.zar)
    eligible = make_household(places.zar)
    Household.objects.filter(pk=eligible.pk).update(
        status=Household.Status.VERIFIED, intention=Household.Intention.RETURN_NOW
    )
    in_review = make_household(places.zar)
    Household.objects.filter(pk=in_review.pk).update(
        status=Household.Status.VERIFIED, intention=Household.Intention.RETURN_NOW
    )
    DuplicateCandidate.objects.create(household_a=eligible, household_b=in_review, probability=0.5)
    DuplicateCandidate.objects.filter().update(status=DuplicateCandidate.Status.NOT_DUPLICATE)
    waiting = make_household(places.ballija)  # no service commissioned there
    Household.objects.filter(pk=waiting.pk).update(
        status=Household.Status.VERIFIED,
        intention=Household.Intention.RETURN_NOW,
        accommodation="hostel",
    )
    DuplicateCandidate.objects.create(household_a=in_review, household_b=waiting, probability=0.5)
    client = client_for(planner)
    assert listed(client.get(LIST, {"eligible": "yes"})) == [eligible.reference]
    assert listed(client.get(LIST, {"eligible": "no"})) == [in_review.reference, waiting.reference]
    # the list agrees with the household page's reasons
    judged = {e.household.reference: e.eligible for e in eligibility(Household.objects.all())}
    assert judged == {
        eligible.reference: True,
        in_review.reference: False,
        waiting.reference: False,
    }
    assert listed(client.get(LIST, {"status": "verified", "settlement": "Zar"})) == [
        eligible.reference,
        in_review.reference,
    ]
    assert listed(client.get(LIST, {"intention": "unknown"})) == []
    assert listed(client.get(LIST, {"accommodation": "hostel"})) == [waiting.reference]
    export = client.get("/registry/households/export.csv", {"eligible": "yes"})
    exported = b"".join(export.streaming_content).decode()
    assert eligible.reference in exported
    assert waiting.reference not in exported


def test_a_sort_by_size_breaks_ties_by_id_and_an_unknown_sort_is_by_reference(
    client_for, planner, places, make_household
):
    one = make_household(places.zar)
    three = make_household(places.zar, ("A", "B"), ("C", "D"), ("E", "F"))
    another_one = make_household(places.zar)
    client = client_for(planner)
    # largest first: equal sizes the latest registered first, as read backwards
    by_size = [three.reference, another_one.reference, one.reference]
    assert listed(client.get(LIST, {"sort": "-size"})) == by_size
    assert listed(client.get(LIST, {"sort": "size"})) == [
        one.reference,
        another_one.reference,
        three.reference,
    ]
    assert listed(client.get(LIST, {"sort": "members__given_name"})) == sorted(by_size)


def test_every_match_past_the_count_limit_is_reached_page_by_page_and_back_with_its_filters(
    client_for, planner, places, make_household, monkeypatch
):
    monkeypatch.setattr(selectors, "SEARCH_LIST_LIMIT", 4)
    monkeypatch.setattr(selectors, "PAGE_SIZE", 2)
    sizes = [1, 3, 2, 3, 1, 2, 3]
    made = [make_household(places.zar, *[("Elvin", "Məmmədov")] * n) for n in sizes]
    make_household(places.ballija, ("Elvin", "Məmmədov"))  # not of the origin asked for
    expected = [h.reference for h in sorted(made, key=lambda h: (-h.members.count(), -h.pk))]
    client = client_for(planner)
    response = client.get(LIST, {"q": "Mamedov", "settlement": "Zar", "sort": "-size"})
    assert "More than 4 households match" in response.content.decode()
    seen, pages = listed(response), [response]
    while link := next_link(response):
        assert "q=Mamedov" in link
        assert "settlement=Zar" in link
        assert "sort=-size" in link
        response = client.get(link)
        seen += listed(response)
        pages.append(response)
    assert seen == expected
    assert [p.context["page_number"] for p in pages] == [1, 2, 3, 4]
    back = client.get(next_link(pages[2], "prev"))
    assert listed(back) == listed(pages[1])
    assert back.context["page_number"] == 2


def test_a_short_list_is_counted_exactly_with_its_number_of_pages(
    client_for, planner, places, make_household, monkeypatch
):
    monkeypatch.setattr(selectors, "PAGE_SIZE", 2)
    for _ in range(3):
        make_household(places.zar)
    response = client_for(planner).get(LIST)
    text = response.content.decode()
    assert "3 households" in text
    assert "page 1 of 2" in text
    assert "More than" not in text


def test_size_is_kept_when_a_household_is_imported(client_for, planner, places):
    rows = [
        {
            "household": "IMP-1",
            "origin_settlement": places.zar.code,
            "relation": relation,
            "given_name": given,
            "family_name": "Həsənov",
            "sex": "male",
            "birth_date": "1980-01-01",
        }
        for relation, given in (("head", "Ramin"), ("child", "Orxan"))
    ]
    report = households_import(table=make_table(rows))
    assert report.ok, report.errors
    assert [h.size for h in Household.objects.all()] == [2]


# The list as the benchmark asks for it (bench/bench_pages.py): each filter and sort.
LIST_PAGES = {
    "every household": {},
    "by origin in another spelling": {"settlement": "Zar"},
    "by status and intention": {"status": "registered", "intention": "unknown"},
    "eligible": {"eligible": "yes"},
    "not eligible": {"eligible": "no"},
    "largest first, by accommodation": {"sort": "-size", "accommodation": "other"},
    "newest first": {"sort": "-registered"},
}


def queries_of(client, params: dict) -> list[str]:
    client.get(LIST, params)  # the settlements open for return are read once, then kept
    with CaptureQueriesContext(connection) as read:
        assert client.get(LIST, params).status_code == 200
    return [query["sql"] for query in read.captured_queries]


@pytest.mark.parametrize("params", LIST_PAGES.values(), ids=LIST_PAGES)
def test_a_page_of_twenty_households_reads_as_many_queries_as_a_page_of_two_and_names_the_origin_once(
    client_for, planner, places, make_household, params
):
    for _ in range(2):
        make_household(places.zar, ("Rəşad", "Quliyev"), ("Aygün", "Quliyeva"))
    client = client_for(planner)
    few = queries_of(client, params)
    for _ in range(18):
        make_household(places.zar, ("Rəşad", "Quliyev"), ("Aygün", "Quliyeva"))
    many = queries_of(client, params)
    assert len(many) == len(few), "\n".join(many)
    # the origin's name is looked up as a code, then as a name: once for the query and the page
    assert len([sql for sql in many if 'FROM "places_settlement"' in sql]) <= 2, "\n".join(many)


def plan_of(sql: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
        return [row[3] for row in cursor.fetchall()]


SQLITE_PLANS = pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="SQLite's plans follow the indexes alone; PostgreSQL's follow its statistics too",
)


@SQLITE_PLANS
@pytest.mark.parametrize(
    "params",
    [
        {},
        {"sort": "-size"},
        {"sort": "registered"},
        {"status": "verified"},
        {"intention": "return_now"},
        {"status": "verified", "intention": "return_now"},
        {"eligible": "yes"},
        {"accommodation": "hostel"},
        {"accommodation": "hostel", "sort": "-size"},
    ],
    ids=lambda params: "&".join(f"{k}={v}" for k, v in params.items()) or "every household",
)
def test_a_page_and_its_count_read_a_range_of_one_index_in_the_order_shown_and_sort_nothing(
    client_for, planner, places, make_household, params
):
    ready_for_return(places.zar)
    shown = make_household(places.zar)  # on every page asked for: the one after it, keyset
    Household.objects.filter(pk=shown.pk).update(
        status=Household.Status.VERIFIED,
        intention=Household.Intention.RETURN_NOW,
        accommodation="hostel",
    )
    client = client_for(planner)
    for after in ({}, {"after": shown.pk}):
        with CaptureQueriesContext(connection) as read:
            assert listed(client.get(LIST, params | after)) == ([] if after else [shown.reference])
        households = [
            q["sql"] for q in read.captured_queries if 'FROM "registry_household"' in q["sql"]
        ]
        page = [sql for sql in households if sql.endswith("LIMIT 51")]
        count = [sql for sql in households if sql.startswith("SELECT COUNT(*)")]
        assert len(page) == len(count) == 1, households
        assert not [step for step in plan_of(page[0]) if "TEMP B-TREE" in step], plan_of(page[0])
        # the count reads the index entries of the filters' values, at most 1,001 of them
        # (the eligible are verified, returning now, to a settlement open for return: one
        # of these is read from its index, whichever the planner finds narrower)
        filtered = {"status", "intention", "accommodation"} & set(params)
        steps = plan_of(count[0])
        assert [s for s in steps if all(f"{column}=?" in s for column in filtered)], steps
        if params.keys() - {"sort"}:
            assert not [s for s in steps if s.startswith("SCAN registry_household")], steps
        assert "LIMIT 1001" in count[0]


@SQLITE_PLANS
def test_asking_whether_synthetic_households_are_shown_reads_only_the_synthetic_ones(
    client_for, planner, places, make_household
):
    make_household(places.zar)
    with CaptureQueriesContext(connection) as read:
        client_for(planner).get("/places/settlements/")
    (asked,) = [q["sql"] for q in read.captured_queries if '"is_synthetic"' in q["sql"]]
    assert any("USING INDEX household_synthetic" in step for step in plan_of(asked))
