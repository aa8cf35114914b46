"""Reads of the registry, always through the user's access: the one place that applies it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.http import Http404

from homecoming.accounts.access import (
    HOUSEHOLD_CHANGE,
    HOUSEHOLD_VIEW,
    district_scope,
    programme_scope,
    require,
)
from homecoming.accounts.models import User
from homecoming.places.models import Settlement
from homecoming.places.selectors import settlements_named
from homecoming.programmes.models import Programme
from homecoming.programmes.selectors import default_programme
from homecoming.registry.models import (
    REGISTERED_DESPITE,
    ChangeRequest,
    DuplicateCandidate,
    FieldSubmission,
    Household,
    HouseholdEvent,
    Member,
    MemberSearchKey,
)
from homecoming.registry.search_keys import query_search_keys, query_words


def household_list_for_user(user: User) -> QuerySet[Household]:
    """The households ``user`` may see: their role allows it, within their districts and
    their programmes."""
    require(user, HOUSEHOLD_VIEW)
    households = Household.objects.select_related(
        "origin_settlement", "origin_settlement__district"
    ).order_by("reference")
    scope = district_scope(user)
    if scope is not None:
        households = households.filter(origin_settlement__district_id__in=scope)
    programmes = programme_scope(user)
    if programmes is not None:
        households = households.filter(programme_id__in=programmes)
    return households


def programmes_visible(user: User) -> list[Programme]:
    """The programmes whose households ``user`` may see (their own, or every one): the
    lists' filter by programme."""
    scope = programme_scope(user)
    programmes = Programme.objects.order_by("pk")
    return list(programmes if scope is None else programmes.filter(pk__in=scope))


def programmes_for_enrolment(user: User) -> QuerySet[Programme]:
    """The programmes ``user`` may enrol a household in: theirs, or every one not closed."""
    programmes = Programme.objects.exclude(status=Programme.Status.CLOSED)
    scope = programme_scope(user)
    return programmes if scope is None else programmes.filter(pk__in=scope)


def programme_in_scope(user: User, programme_id: int) -> bool:
    scope = programme_scope(user)
    return scope is None or programme_id in scope


def household_get_for_user(user: User, household_id: int) -> Household:
    """One household, or 404 alike for a missing one and one outside the user's districts."""
    try:
        return (
            household_list_for_user(user)
            .select_related("programme")
            .prefetch_related("members")
            .get(pk=household_id)
        )
    except (Household.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such household.") from exc


def _narrowed(
    households: QuerySet[Household],
    *,
    settlement: str = "",
    status: str = "",
    intention: str = "",
    accommodation: str = "",
) -> tuple[QuerySet[Household], list[Settlement]]:
    """``households`` of the origin (a settlement's code, or its name in any spelling:
    ``places.selectors.settlements_named``), status, intention and accommodation asked for;
    and the settlements the origin named, read once for the query and the page."""
    origins = settlements_named(settlement) if settlement else []
    if settlement:
        households = households.filter(origin_settlement__in=[s.pk for s in origins])
    chosen = {"status": status, "intention": intention, "accommodation": accommodation}
    return households.filter(**{name: value for name, value in chosen.items() if value}), origins


def household_search(
    households: QuerySet[Household], *, q: str = "", **filters: str
) -> QuerySet[Household]:
    """Narrow ``households`` to the ``filters`` (origin ``settlement``, ``status``,
    ``intention``, ``accommodation``: ``_narrowed``), and
    to those with a member whom
    every term of ``q`` finds (``search_keys.query_search_keys``): a word of a name in any
    spelling or script ("Mamedov" and "Мамедов" find "Məmmədov"), a document number, a
    phone, or the household's reference. Words past ``search_keys.SEARCH_WORDS`` are left
    out, so that the nested probes below stay few (SQLite refuses a few more).

    Each term reads one range of the ``MemberSearchKey`` index per key, and the index
    holds the household too, so the cost grows with the members found, not with the
    registry, and no member row is read.
    """
    households = _narrowed(households, **filters)[0]
    if not q.strip():
        return households
    terms = query_search_keys(q)
    if not terms:
        return households.none()
    return households.filter(pk__in=_keys_found(terms).values("household"))


def _keys_found(terms: list[list[str]]) -> QuerySet[MemberSearchKey]:
    """The keys of the last term, of members who have a key of every term."""
    first, *others = terms
    found = MemberSearchKey.objects.filter(key__in=first)
    for keys in others:  # the same member, found by each term in turn
        found = MemberSearchKey.objects.filter(key__in=keys, member__in=found.values("member"))
    return found


# A search lists and counts at most this many households; past it, the page asks for a
# narrower search. A common family name finds one household in eight.
SEARCH_LIST_LIMIT = 1000


@dataclass(frozen=True)
class SearchResult:
    households: QuerySet[Household]  # in order of reference
    count: int  # how many, at most SEARCH_LIST_LIMIT
    more: bool  # True: more than SEARCH_LIST_LIMIT match; the list holds the first of them
    left_out: list[str]  # words of the query past SEARCH_WORDS, which the search did not use
    origins: list[Settlement]  # the settlements the origin filter named, if any


def household_search_listed(
    households: QuerySet[Household], *, q: str = "", **filters: str
) -> SearchResult:
    """What :func:`household_search` finds, as a list to page through: in order of
    reference, with its size — unless that is more than ``SEARCH_LIST_LIMIT``.

    Finding, counting and sorting every match would read tens of thousands of households
    for a common name. The households of the first keys found are read once; when they
    are all there is, they are the list. When they already hold more than the limit,
    households are instead read in order of reference and each is asked whether a member
    is found (one probe of the key index per member), so a page of them costs a few
    hundred probes and nothing is counted past the limit.
    """
    households, origins = _narrowed(households, **filters)
    terms = query_search_keys(q) if q.strip() else []
    left_out = query_words(q)[1]
    if terms:
        # Members of a household often share a name, and each one's keys count.
        sampled = 5 * SEARCH_LIST_LIMIT
        sample = list(_keys_found(terms).values_list("household", flat=True)[:sampled])
        found = households.filter(pk__in=set(sample))
        if len(sample) == sampled:
            in_view = households.filter(pk__in=_keys_found(terms).values("household")[:sampled])
            if in_view.order_by().count() > SEARCH_LIST_LIMIT:
                return SearchResult(
                    _with_a_member_found(households, terms),
                    SEARCH_LIST_LIMIT,
                    more=True,
                    left_out=left_out,
                    origins=origins,
                )
            # many keys, few households in view
            found = household_search(households, q=q)
    else:
        found = household_search(households, q=q)
    count = found.order_by().values("pk")[: SEARCH_LIST_LIMIT + 1].count()
    return SearchResult(
        found,
        min(count, SEARCH_LIST_LIMIT),
        more=count > SEARCH_LIST_LIMIT,
        left_out=left_out,
        origins=origins,
    )


# The list's sorts: what the page asks for -> the column; "-size" is the largest first.
# Each is paged by (column, id), so equal values keep one order.
SORTS = {"reference": "reference", "size": "size", "registered": "registered_on"}
PAGE_SIZE = 50


@dataclass(frozen=True)
class HouseholdPage:
    households: list[Household]  # each with ``head``: its current head, or None
    next_after: int | None  # the last household's id, when more follow
    previous_before: int | None  # the first household's id, when some come before
    per_page: int

    def __iter__(self) -> Iterator[Household]:
        return iter(self.households)

    def __len__(self) -> int:
        return len(self.households)


def household_page(
    households: QuerySet[Household],
    *,
    sort: str = "reference",
    after: int | None = None,
    before: int | None = None,
    per_page: int | None = None,
) -> HouseholdPage:
    """One page of ``households`` in the order of ``sort`` (a key of ``SORTS``, "-" first
    for the largest first), then of id: the page after the household ``after`` or the one
    before ``before``, else the first.

    Keyset paging, not offsets: a page starts where the one before ended, read from the
    sort's index, so page 500 costs what page 1 costs and every match can be reached.
    """
    per_page = per_page or PAGE_SIZE
    column = SORTS.get(sort.removeprefix("-"), "reference")
    backwards = before is not None
    anchor = before if backwards else after
    value = (
        households.filter(pk=anchor).values_list(column, flat=True).first()
        if anchor is not None
        else None
    )
    if value is None:
        anchor, backwards = None, False
    largest_first = sort.startswith("-") != backwards  # the direction this page is read in
    if anchor is not None:
        # (column, id) beyond (value, anchor), written so that the column's bound alone is
        # a range of the index: col >= value AND (col > value OR id > anchor).
        beyond, reach = ("lt", "lte") if largest_first else ("gt", "gte")
        households = households.filter(
            Q(**{f"{column}__{beyond}": value}) | Q(**{f"pk__{beyond}": anchor}),
            **{f"{column}__{reach}": value},
        )
    order = [f"-{column}", "-pk"] if largest_first else [column, "pk"]
    rows = list(households.order_by(*order)[: per_page + 1])
    further = len(rows) > per_page  # another page beyond this one, in the reading direction
    rows = rows[:per_page]
    if backwards:
        rows.reverse()
    heads = {
        m.household_id: m
        for m in Member.objects.filter(
            household__in=[h.pk for h in rows], relation=Member.Relation.HEAD, left_on=None
        )
    }
    for household in rows:
        household.head = heads.get(household.pk)
    return HouseholdPage(
        rows,
        next_after=rows[-1].pk if rows and (backwards or further) else None,
        previous_before=rows[0].pk
        if rows and (further if backwards else anchor is not None)
        else None,
        per_page=per_page,
    )


def _with_a_member_found(
    households: QuerySet[Household], terms: list[list[str]]
) -> QuerySet[Household]:
    """``households`` with a member who has a key of every term, tested one household
    at a time (the member's household index, then the member's key index)."""
    members = Member.objects.filter(household=OuterRef("pk"))
    for keys in terms:
        members = members.filter(
            Exists(MemberSearchKey.objects.filter(member=OuterRef("pk"), key__in=keys))
        )
    return households.filter(Exists(members))


def change_request_list_for_user(user: User) -> QuerySet[ChangeRequest]:
    """Change requests on the households the user may see, and those that would move a
    household into one of the user's own districts, which an officer of that district
    decides. ``can_open`` says whether the user may open the request's household."""
    visible = household_list_for_user(user)
    requests = ChangeRequest.objects.all()
    scope = district_scope(user)
    if scope is not None:  # household_list_for_user's scope, by a join: the registry unread
        requests = requests.filter(
            Q(household__origin_settlement__district_id__in=scope)
            | Q(proposed_district__in=user.districts.values("pk"))
        )
    programmes = programme_scope(user)
    if programmes is not None:
        requests = requests.filter(household__programme_id__in=programmes)
    return requests.annotate(
        can_open=Exists(visible.filter(pk=OuterRef("household")))
    ).select_related(
        "household__origin_settlement__district",
        "proposed_district",
        "requested_by",
        "decided_by",
    )


def change_requests_to_decide(user: User) -> QuerySet[ChangeRequest]:
    """The pending changes ``user`` may decide (``services._require_decider``): asked by
    another officer, and either keeping the household in its district or moving it into
    one of the user's own."""
    return (
        change_request_list_for_user(user)
        .filter(status=ChangeRequest.Status.PENDING)
        .exclude(requested_by=user)
        .filter(
            Q(proposed_district=None)
            | Q(proposed_district=F("household__origin_settlement__district"))
            | Q(proposed_district__in=user.districts.values("pk"))
        )
    )


def field_submission_list_for_user(user: User) -> QuerySet[FieldSubmission]:
    """Pushed field submissions of families from the user's districts: an officer reviews
    those of their own districts, as they register them."""
    require(user, HOUSEHOLD_CHANGE)
    submissions = FieldSubmission.objects.select_related(
        "form", "origin_settlement__district", "household", "decided_by"
    )
    programmes = programme_scope(user)
    if programmes is not None:
        # A submission not yet taken enrols its household in the default programme.
        taken_into = Q(household__programme_id__in=programmes)
        if default_programme().pk in programmes:
            taken_into |= Q(household=None)
        submissions = submissions.filter(taken_into)
    scope = district_scope(user)
    if scope is None:
        return submissions
    return submissions.filter(origin_settlement__district_id__in=scope)


def settlements_for_registration(user: User) -> QuerySet[Settlement]:
    """The settlements a user may register households from: those of their districts."""
    settlements = Settlement.objects.select_related("district").order_by("district__name", "name")
    scope = district_scope(user)
    return settlements if scope is None else settlements.filter(district_id__in=scope)


def duplicate_candidate_list_for_user(user: User) -> QuerySet[DuplicateCandidate]:
    """Pairs whose two households the user may both see (``household_list_for_user``'s
    rule, applied to each side by a join: the pairs are read, not the registry)."""
    require(user, HOUSEHOLD_VIEW)
    pairs = DuplicateCandidate.objects.select_related(
        "household_a__origin_settlement", "household_b__origin_settlement"
    )
    programmes = programme_scope(user)
    if programmes is not None:
        pairs = pairs.filter(
            household_a__programme_id__in=programmes, household_b__programme_id__in=programmes
        )
    scope = district_scope(user)
    if scope is None:
        return pairs
    return pairs.filter(
        household_a__origin_settlement__district_id__in=scope,
        household_b__origin_settlement__district_id__in=scope,
    )


@dataclass(frozen=True)
class DuplicateReviews:
    mine: list[DuplicateCandidate]  # open pairs of the household that the user may judge
    elsewhere: int  # open pairs whose other household the user may not open


def duplicate_reviews_of(user: User, household: Household) -> DuplicateReviews:
    """The open pairs of ``household`` (one the user may open): those the user may judge,
    and how many wait for a reviewer who sees both households, never naming the other."""
    pairs = DuplicateCandidate.objects.filter(
        Q(household_a=household) | Q(household_b=household),
        status=DuplicateCandidate.Status.OPEN,
    )
    mine = list(duplicate_candidate_list_for_user(user).filter(pk__in=pairs.values("pk")))
    return DuplicateReviews(mine, pairs.count() - len(mine))


def registration_reasons(candidate: DuplicateCandidate) -> list[HouseholdEvent]:
    """Why an officer registered one household of the pair although the check at the door
    showed the other (``registry.door``): the reason, who and when, for the reviewer."""
    pair = (candidate.household_a, candidate.household_b)
    return [
        event
        for event in HouseholdEvent.objects.filter(
            household__in=pair, action=REGISTERED_DESPITE
        ).select_related("by", "household")
        if event.details.get("reason")
        and event.details.get("likely_duplicate") in (None, *(h.reference for h in pair))
    ]
