"""Duplicates caught at the door: the check at registration, on import, and its verdicts."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import make_table
from homecoming.core.errors import ApplicationError
from homecoming.dedup.link import find_duplicates
from homecoming.registry.door import (
    _candidates,
    _new_record,
    household_matches_at_registration,
    household_register_checked,
    imported_households_review,
)
from homecoming.registry.imports import households_import
from homecoming.registry.matching import household_matches, member_records
from homecoming.registry.models import (
    DuplicateCandidate,
    Household,
    HouseholdEvent,
    LinkageModel,
)
from homecoming.registry.selectors import duplicate_candidate_list_for_user
from homecoming.registry.services import DocumentInput, MemberInput, household_register
from homecoming.registry.tests.test_imports import member as import_row

pytestmark = pytest.mark.django_db

LATIN = [
    MemberInput("head", "Elvin", "Məmmədov", "male", "Rövşən oğlu", dt.date(1975, 3, 8)),
    MemberInput("spouse", "Aygün", "Məmmədova", "female", "Əli qızı", dt.date(1979, 11, 23)),
    MemberInput("child", "Nicat", "Məmmədov", "male", "Elvin oğlu", dt.date(2003, 6, 1)),
]
# The same family as a Soviet-era passport writes it, with a newborn more.
CYRILLIC = [
    MemberInput("head", "Эльвин", "Мамедов", "male", "Ровшан оглы", dt.date(1975, 3, 8)),
    MemberInput("spouse", "Айгюн", "Мамедова", "female", "Али кызы", dt.date(1979, 11, 23)),
    MemberInput("child", "Ниджат", "Мамедов", "male", "Эльвин оглы", dt.date(2003, 6, 1)),
    MemberInput("child", "Leyla", "Məmmədova", "female", "Elvin qızı", dt.date(2024, 1, 5)),
]
# Other families, so that the model learns what a namesake looks like.
OTHERS = [
    [("Rəşad", "Hüseynov", "1980-05-17"), ("Günel", "Hüseynova", "1984-02-02")],
    [("Elvin", "Məmmədov", "1990-07-21"), ("Lalə", "Məmmədova", "1992-09-30")],
    [("Orxan", "Quliyev", "1971-01-12"), ("Səbinə", "Quliyeva", "1975-12-01")],
    [("Kamran", "Əliyev", "1965-10-10"), ("Nərgiz", "Əliyeva", "1968-04-04")],
    [("Tural", "Cəfərov", "1988-08-08"), ("Aysel", "Cəfərova", "1989-03-03")],
]


def family(*people: tuple[str, str, str]) -> list[MemberInput]:
    return [
        MemberInput(
            "head" if index == 0 else "spouse",
            given,
            surname,
            "male" if index == 0 else "female",
            birth_date=dt.date.fromisoformat(born),
        )
        for index, (given, surname, born) in enumerate(people)
    ]


@pytest.fixture
def registry(admin, places):
    """The Latin family in Zar (Kalbajar), and other families in both districts."""
    for index, people in enumerate(OTHERS):
        settlement = places.zar if index % 2 else places.ballija
        household_register(by=admin, origin_settlement=settlement, members=family(*people))
    return household_register(by=admin, origin_settlement=places.zar, members=LATIN)


def test_a_family_registered_again_in_cyrillic_is_shown_before_saving(
    registry, kalbajar_officer, places
):
    matches = household_matches_at_registration(
        members=CYRILLIC, origin_settlement=places.kalbajar_city, by=kalbajar_officer
    )
    assert [match.household for match in matches] == [registry]
    assert matches[0].visible
    linked = {(link.new, link.registered.given_name) for link in matches[0].links}
    assert linked == {(0, "Elvin"), (1, "Aygün"), (2, "Nicat")}


def test_a_new_family_with_no_likeness_has_no_match(registry, kalbajar_officer, places):
    stranger = family(("Vüqar", "Nəsibov", "1961-02-14"), ("Sona", "Nəsibova", "1963-07-07"))
    assert (
        household_matches_at_registration(
            members=stranger, origin_settlement=places.zar, by=kalbajar_officer
        )
        == []
    )


def test_the_door_gives_the_batchs_verdict_on_the_same_pairs(registry, admin, places):
    again = household_register(by=admin, origin_settlement=places.zar, members=CYRILLIC)
    household_matches()  # the batch: it keeps the model it learnt
    records, _by_id = member_records()
    batch = {(p.id_l, p.id_r): p for p in find_duplicates(records, threshold=0.5).pairs}

    matches = household_matches_at_registration(
        members=CYRILLIC, origin_settlement=places.zar, by=admin
    )
    (match,) = [m for m in matches if m.household == registry]
    new_ids = list(again.members.order_by("pk").values_list("pk", flat=True))
    assert len(match.links) == 3
    for link in match.links:
        pair = batch[str(link.registered.pk), str(new_ids[link.new])]
        assert link.probability == pair.match_probability
        assert link.evidence.keys() == pair.evidence.keys()
        assert link.evidence["birth_date"] == pair.evidence["birth_date"]


def test_a_match_outside_the_officers_districts_shows_nothing_of_it(
    admin, khojaly_officer, places, registry
):
    matches = household_matches_at_registration(
        members=CYRILLIC, origin_settlement=places.ballija, by=khojaly_officer
    )
    assert [match.visible for match in matches] == [False]


def test_the_page_announces_an_out_of_scope_match_without_its_data(
    registry, khojaly_officer, places, client_for
):
    response = client_for(khojaly_officer).post(
        "/registry/households/new/", form_data(places.ballija, CYRILLIC)
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="hidden-match"' in body
    assert registry.reference not in body
    assert not {"Aygün", "Nicat", "Rövşən"} & set(body.replace("<", " ").split())
    assert not Household.objects.filter(members__given_name="Эльвин").exists()  # not saved


def test_registering_despite_a_match_needs_a_reason(registry, kalbajar_officer, places):
    with pytest.raises(ApplicationError, match="not the same family"):
        household_register_checked(
            by=kalbajar_officer, members=CYRILLIC, origin_settlement=places.zar, reason=" "
        )
    assert not Household.objects.filter(members__given_name="Эльвин").exists()


def test_a_near_match_saved_with_a_reason_goes_to_the_review_queue_at_once(
    registry, kalbajar_officer, places
):
    household = household_register_checked(
        by=kalbajar_officer,
        members=CYRILLIC,
        origin_settlement=places.zar,
        reason="Another Elvin: his father is Rövşən of Zar, this one of Kəlbəcər",
    )
    (candidate,) = DuplicateCandidate.objects.all()
    assert (candidate.household_a, candidate.household_b) == (registry, household)
    assert candidate.status == DuplicateCandidate.Status.OPEN
    assert {pair["a"] for pair in candidate.evidence} == {
        "Elvin Məmmədov",
        "Aygün Məmmədova",
        "Nicat Məmmədov",
    }
    event = HouseholdEvent.objects.get(household=household, action__contains="likely duplicate")
    assert event.details["reason"].startswith("Another Elvin")
    assert candidate in duplicate_candidate_list_for_user(kalbajar_officer)


def test_the_reviewer_reads_on_the_pair_page_why_the_officer_registered_it_all_the_same(
    registry, kalbajar_officer, admin, places, client_for
):
    household = household_register_checked(
        by=kalbajar_officer,
        members=CYRILLIC,
        origin_settlement=places.zar,
        reason="Another Elvin: his father is Rövşən of Zar",
    )
    (candidate,) = DuplicateCandidate.objects.all()
    page = client_for(admin).get(f"/registry/duplicates/{candidate.pk}/").content.decode()
    assert "Another Elvin: his father is Rövşən of Zar" in page
    assert f"kalbajar registered {household.reference} on " in page
    history = client_for(admin).get(f"/registry/households/{household.pk}/").content.decode()
    assert "Registered despite a likely duplicate" in history


def test_an_out_of_scope_match_is_queued_for_a_reviewer_who_sees_both(
    registry, khojaly_officer, admin, places
):
    household = household_register_checked(
        by=khojaly_officer, members=CYRILLIC, origin_settlement=places.ballija, reason=""
    )
    candidate = DuplicateCandidate.objects.get(household_b=household)
    assert candidate.household_a == registry
    assert candidate not in duplicate_candidate_list_for_user(khojaly_officer)
    assert candidate in duplicate_candidate_list_for_user(admin)
    event = HouseholdEvent.objects.get(household=household, action__contains="likely duplicate")
    assert "likely_duplicate" not in event.details  # the other is not named to its officer


def test_imported_households_near_a_registered_one_go_to_the_review_queue(registry, places):
    rows = [
        import_row("IMP-1", "head", "Эльвин", family_name="Мамедов", patronymic="Ровшан оглы",
                   birth_date="1975-03-08"),
        import_row("IMP-1", "spouse", "Айгюн", family_name="Мамедова", patronymic="Али кызы",
                   sex="female", birth_date="1979-11-23"),
        import_row("IMP-2", "head", "Vüqar", family_name="Nəsibov", birth_date="1961-02-14"),
    ]  # fmt: skip
    household_matches()  # duplicate detection has run: its model is kept
    report = households_import(table=make_table(rows, "field.csv"))
    assert report.ok, report.errors
    candidate = DuplicateCandidate.objects.get()  # the import checked the file at the door
    assert (candidate.household_a, candidate.household_b.reference) == (registry, "IMP-1")
    assert imported_households_review(references=["IMP-1", "IMP-2"]) == 1  # queued once
    assert DuplicateCandidate.objects.count() == 1


def test_a_dry_run_of_an_import_leaves_nothing_in_the_review_queue(registry, places):
    rows = [
        import_row("IMP-1", "head", "Эльвин", family_name="Мамедов", patronymic="Ровшан оглы",
                   birth_date="1975-03-08"),
        import_row("IMP-1", "spouse", "Айгюн", family_name="Мамедова", patronymic="Али кызы",
                   sex="female", birth_date="1979-11-23"),
    ]  # fmt: skip
    household_matches()
    report = households_import(table=make_table(rows, "field.csv"), dry_run=True)
    assert report.ok, report.errors
    assert not DuplicateCandidate.objects.exists()


def test_an_import_before_duplicate_detection_ever_ran_leaves_the_file_to_it(registry, places):
    rows = [
        import_row("IMP-1", "head", "Эльвин", family_name="Мамедов", patronymic="Ровшан оглы",
                   birth_date="1975-03-08"),
        import_row("IMP-1", "spouse", "Айгюн", family_name="Мамедова", patronymic="Али кызы",
                   sex="female", birth_date="1979-11-23"),
    ]  # fmt: skip
    assert households_import(table=make_table(rows, "field.csv")).ok
    assert not DuplicateCandidate.objects.exists()
    assert not LinkageModel.objects.exists()  # nothing learnt inside the import
    pairs = [
        {Household.objects.get(pk=pk).reference for pk in (match.household_a, match.household_b)}
        for match in household_matches()
    ]
    assert {registry.reference, "IMP-1"} in pairs  # the batch finds it


def test_a_namesake_born_in_another_year_on_another_day_is_not_compared_at_the_door(
    registry, places
):
    """Only the members a rule of the batch pairs with a new one are read and scored:
    a namesake from another settlement is one only when a date, the father's name or a
    number joins them; from the same settlement, the names alone do (as in the batch)."""
    elvin = registry.members.get(given_name="Elvin")  # born 1975-03-08, from Zar

    def elvin_born(day: dt.date, patronymic: str = "", settlement=places.ballija) -> dict:
        member = MemberInput("head", "Elvin", "Məmmədov", "male", patronymic, birth_date=day)
        return _new_record(0, member, settlement)

    assert elvin.pk not in _candidates([elvin_born(dt.date(1952, 9, 30))])
    assert elvin.pk in _candidates([elvin_born(dt.date(1975, 9, 30))])  # the same year
    assert elvin.pk in _candidates([elvin_born(dt.date(1976, 3, 8))])  # the same day
    assert elvin.pk in _candidates([elvin_born(dt.date(1975, 8, 3))])  # swapped
    assert elvin.pk in _candidates([elvin_born(None, "Rövşən oğlu")])  # no year: 3 names
    assert elvin.pk not in _candidates([elvin_born(None)])
    assert elvin.pk in _candidates([elvin_born(dt.date(1952, 9, 30), settlement=places.zar)])


def test_a_stranger_born_the_same_day_is_compared_only_from_the_same_settlement(
    registry, admin, places
):
    elvin = registry.members.get(given_name="Elvin")  # born 1975-03-08, from Zar
    elsewhere = household_register(
        by=admin,
        origin_settlement=places.ballija,
        members=family(("Orxan", "Cəfərov", "1975-03-08")),
    ).members.get()
    stranger = MemberInput("head", "Nicat", "Hüseynov", "male", birth_date=dt.date(1975, 3, 8))
    found = _candidates([_new_record(0, stranger, places.zar)])
    assert elvin.pk in found
    assert elsewhere.pk not in found


def test_a_document_already_registered_is_a_match_whatever_the_names(registry, admin, places):
    holder = household_register(
        by=admin,
        origin_settlement=places.zar,
        members=[
            MemberInput(
                "head",
                "Samir",
                "Kərimov",
                "male",
                birth_date=dt.date(1970, 1, 1),
                documents=(DocumentInput("passport", "C01234567"),),
            ),
        ],
    )
    again = [
        MemberInput(
            "head",
            "Самир",
            "Керимов",
            "male",
            birth_date=dt.date(1970, 1, 1),
            documents=(DocumentInput("id_card", "C01234567"),),
        )
    ]
    matches = household_matches_at_registration(
        members=again, origin_settlement=places.zar, by=admin
    )
    assert [match.household for match in matches] == [holder]


def form_data(settlement, members: list[MemberInput], **more) -> dict:
    data = {
        "origin_settlement": settlement.code,
        "accommodation": "hostel",
        "members-TOTAL_FORMS": str(len(members)),
        "members-INITIAL_FORMS": "0",
    }
    for index, m in enumerate(members):
        prefix = f"members-{index}-"
        data |= {
            prefix + "relation": m.relation,
            prefix + "given_name": m.given_name,
            prefix + "family_name": m.family_name,
            prefix + "patronymic": m.patronymic,
            prefix + "sex": m.sex,
            prefix + "birth_date": m.birth_date.isoformat(),
        }
    return data | more


def test_add_a_member_without_javascript_returns_the_form_with_one_more_row(
    kalbajar_officer, places, client_for
):
    data = form_data(places.zar, CYRILLIC[:2], add_member="1")
    response = client_for(kalbajar_officer).post("/registry/households/new/", data)
    members = response.context["members"]
    assert members.total_form_count() == 3
    assert [form.initial.get("given_name") for form in members] == ["Эльвин", "Айгюн", None]
    assert not response.context["form"].errors  # nothing checked yet
    assert not Household.objects.exists()


def test_a_family_of_six_with_a_newborn_registers_through_the_form(
    kalbajar_officer, places, client_for
):
    six = [
        *family(("Vüqar", "Nəsibov", "1961-02-14"), ("Sona", "Nəsibova", "1963-07-07")),
        *[
            MemberInput("child", given, "Nəsibov", "male", birth_date=dt.date(year, 1, 2))
            for given, year in (("Anar", 1990), ("Emil", 1993), ("Fuad", 1996))
        ],
        MemberInput("grandchild", "Ayan", "Nəsibov", "male", birth_date=dt.date(2026, 10, 30)),
    ]
    response = client_for(kalbajar_officer).post(
        "/registry/households/new/", form_data(places.zar, six)
    )
    household = Household.objects.get()
    assert response.url == f"/registry/households/{household.pk}/"
    assert household.members.count() == 6


def test_after_an_origin_change_the_door_finds_the_members_from_their_new_settlement(
    registry, admin, kalbajar_officer, places
):
    from homecoming.registry.services import change_request_create, change_request_decide

    elvin = registry.members.get(given_name="Elvin")  # born 1975-03-08, from Zar

    def namesake_from(settlement) -> dict:  # born another year and day: the names alone
        member = MemberInput("head", "Elvin", "Məmmədov", "male", birth_date=dt.date(1952, 9, 30))
        return _new_record(0, member, settlement)

    assert elvin.pk not in _candidates([namesake_from(places.kalbajar_city)])
    change = change_request_create(
        household=registry,
        by=kalbajar_officer,
        part="origin",
        proposed={"origin_settlement": places.kalbajar_city.code},
        reason="Registered under the wrong village",
    )
    change_request_decide(request=change, by=admin, approve=True)
    assert elvin.pk in _candidates([namesake_from(places.kalbajar_city)])
    assert elvin.pk not in _candidates([namesake_from(places.zar)])
