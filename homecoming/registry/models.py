"""Displaced households, their members, where they live now, and what they intend.

Names are kept exactly as entered, in any script, and never overwritten; search and
duplicate detection use keys derived from them. Sensitive fields (origin,
membership, documents) change only through a ``ChangeRequest`` that a second officer
approves; every change is kept in ``HouseholdEvent``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from homecoming.places.models import Area, Settlement
from homecoming.programmes.models import Programme
from homecoming.programmes.selectors import default_programme_id


class AccommodationKind(models.TextChoices):
    HOSTEL = "hostel", _("Hostel")
    SANATORIUM = "sanatorium", _("Sanatorium")
    ADMINISTRATIVE_BUILDING = "administrative_building", _("Administrative building")
    DORMITORY = "dormitory", _("Dormitory")
    RENTED = "rented", _("Rented")
    WITH_RELATIVES = "with_relatives", _("With relatives")
    OTHER = "other", _("Other")


# Collective accommodation: places with a capacity that the programme frees as people return.
COLLECTIVE = {
    AccommodationKind.HOSTEL,
    AccommodationKind.SANATORIUM,
    AccommodationKind.ADMINISTRATIVE_BUILDING,
    AccommodationKind.DORMITORY,
}


class TemporaryAccommodation(models.Model):
    """A collective place where displaced households live now; occupancy is computed."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=32, choices=AccommodationKind.choices)
    settlement = models.ForeignKey(
        Settlement,
        on_delete=models.PROTECT,
        related_name="accommodations",
        verbose_name=_("settlement"),
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    capacity = models.PositiveIntegerField(_("capacity (persons)"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("temporary accommodation")

    def __str__(self) -> str:
        return self.name


class Household(models.Model):
    class Status(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        VERIFIED = "verified", _("Verified")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Intention(models.TextChoices):
        RETURN_NOW = "return_now", _("Return now")
        RETURN_LATER = "return_later", _("Return later")
        NOT_RETURN = "not_return", _("Not return")
        UNKNOWN = "unknown", _("Not stated")

    reference = models.CharField(_("reference"), max_length=64, unique=True)
    # The programme the household is enrolled in; its policy judges the household.
    programme = models.ForeignKey(
        Programme,
        on_delete=models.PROTECT,
        default=default_programme_id,
        related_name="households",
        verbose_name=_("programme"),
    )
    origin_settlement = models.ForeignKey(
        Settlement,
        on_delete=models.PROTECT,
        related_name="origin_households",
        verbose_name=_("origin settlement"),
    )
    origin_address = models.CharField(_("address before displacement"), max_length=300, blank=True)
    displaced_on = models.DateField(_("date of displacement"), null=True, blank=True)
    accommodation = models.CharField(
        _("temporary accommodation"),
        max_length=32,
        choices=AccommodationKind.choices,
        default=AccommodationKind.OTHER,
    )
    accommodation_place = models.ForeignKey(
        TemporaryAccommodation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="households",
        verbose_name=_("accommodation place"),
    )
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    intention = models.CharField(
        _("return intention"), max_length=16, choices=Intention.choices, default=Intention.UNKNOWN
    )
    intention_reasons = models.CharField(_("reasons"), max_length=500, blank=True)
    intention_on = models.DateField(_("intention stated on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.REGISTERED
    )
    registered_on = models.DateField(_("registered on"))
    verified_on = models.DateField(_("verified on"), null=True, blank=True)
    withdrawal_reason = models.CharField(_("reason for withdrawal"), max_length=300, blank=True)
    source = models.CharField(
        _("source"),
        max_length=100,
        blank=True,
        help_text=_(
            "Where the registration came from: a form, an import file, a field submission id."
        ),
    )
    is_synthetic = models.BooleanField(
        _("synthetic"),
        default=False,
        help_text=_("Generated for the demo or a benchmark; not a real household."),
    )
    # Its current members, kept by every write of members (``services.member_search_keys_refresh``
    # and the households import), so that the list can sort and page by size without
    # counting members.
    size = models.PositiveIntegerField(_("size"), default=0, editable=False)
    history = HistoricalRecords(excluded_fields=["size"])

    class Meta:
        ordering = ["reference"]
        verbose_name = _("household")
        # The list's filters and sorts, each with the id that breaks ties (keyset paging).
        indexes = [
            models.Index(fields=["size", "id"], name="household_by_size"),
            models.Index(fields=["registered_on", "id"], name="household_by_registered"),
            models.Index(fields=["status", "reference"], name="household_by_status"),
            # status with intention (the eligible are verified and returning now): a filter
            # that matches little reads little
            models.Index(
                fields=["status", "intention", "reference"], name="household_by_status_intent"
            ),
            models.Index(fields=["intention", "reference"], name="household_by_intention"),
            models.Index(fields=["accommodation", "reference"], name="household_by_accommodation"),
            # a programme's households, and those a user of some programmes sees, in the
            # list's order: the whole registry is not sorted to show a small programme's page
            models.Index(fields=["programme", "reference"], name="household_by_programme"),
            models.Index(fields=["accommodation", "size", "id"], name="household_by_lodging_size"),
            # every page asks whether synthetic households are shown (site.context_processors):
            # with none, a whole registry would be read to say no
            models.Index(
                fields=["id"], condition=models.Q(is_synthetic=True), name="household_synthetic"
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class Member(models.Model):
    class Relation(models.TextChoices):
        HEAD = "head", _("Head of household")
        SPOUSE = "spouse", _("Spouse")
        CHILD = "child", _("Child")
        PARENT = "parent", _("Parent")
        SIBLING = "sibling", _("Sibling")
        GRANDCHILD = "grandchild", _("Grandchild")
        OTHER = "other", _("Other relative")

    class Sex(models.TextChoices):
        FEMALE = "female", _("Female")
        MALE = "male", _("Male")

    class Joined(models.TextChoices):
        REGISTRATION = "registration", _("At registration")
        BIRTH = "birth", _("Birth")
        MARRIAGE = "marriage", _("Marriage")
        SPLIT = "split", _("Split from another household")
        JOINED = "joined", _("Joined the household")
        OTHER = "other", _("Other")

    class Left(models.TextChoices):
        DEATH = "death", _("Death")
        MARRIAGE = "marriage", _("Marriage")
        SPLIT = "split", _("Split into another household")
        LEFT = "left", _("Left the household")
        OTHER = "other", _("Other")

    class Vulnerability(models.TextChoices):
        DISABILITY = "disability", _("Disability")
        CHRONIC_ILLNESS = "chronic_illness", _("Chronic illness")
        OLDER_PERSON_ALONE = "older_person_alone", _("Older person alone")
        SINGLE_CAREGIVER = "single_caregiver", _("Single caregiver")
        UNACCOMPANIED_CHILD = "unaccompanied_child", _("Unaccompanied child")
        PREGNANT = "pregnant", _("Pregnant or lactating")

    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="members", verbose_name=_("household")
    )
    relation = models.CharField(_("relation to head"), max_length=16, choices=Relation.choices)
    given_name = models.CharField(_("given name"), max_length=100)
    family_name = models.CharField(_("family name"), max_length=100)
    patronymic = models.CharField(_("patronymic"), max_length=100, blank=True)
    sex = models.CharField(_("sex"), max_length=8, choices=Sex.choices)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    birth_year_only = models.BooleanField(_("year of birth only"), default=False)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    vulnerabilities = models.JSONField(_("vulnerabilities"), default=list, blank=True)
    joined_on = models.DateField(_("member since"), null=True, blank=True)
    joined_reason = models.CharField(
        _("joined because of"), max_length=16, choices=Joined.choices, default=Joined.REGISTRATION
    )
    left_on = models.DateField(_("member until"), null=True, blank=True)
    left_reason = models.CharField(
        _("left because of"), max_length=16, choices=Left.choices, blank=True
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["household", "id"]
        verbose_name = _("member")
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=models.Q(relation="head", left_on__isnull=True),
                name="member_one_head_per_household",
            ),
        ]
        indexes = [
            # The check at registration finds the people born on a new member's birthday.
            models.Index(fields=["birth_date"], name="member_birth_date"),
        ]

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def current(self) -> bool:
        return self.left_on is None

    @property
    def vulnerability_labels(self) -> list[str]:
        labels = dict(self.Vulnerability.choices)
        return [str(labels.get(v, v)) for v in self.vulnerabilities]


class MemberSearchKey(models.Model):
    """One key under which search finds a member, kept by every write to names, documents,
    phones and membership (``services.member_search_keys_refresh`` and the import).

    A key is a spelling key of a name word (or the word folded, in a script the
    spelling keys do not know), a document number or the household's reference in
    capitals without punctuation, or the national digits of the member's or the
    household's phone. Derived from the records, so not kept in history.
    """

    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="search_keys", db_index=False
    )
    # The member's household, so that the key index alone answers a search, without
    # reading a member row per match. Its rows go with the member (above).
    household = models.ForeignKey(
        Household, on_delete=models.DO_NOTHING, related_name="+", db_index=False
    )
    key = models.CharField(max_length=64)

    class Meta:
        constraints = [
            # Also the index that finds a member's keys (the foreign keys need no other).
            models.UniqueConstraint(fields=["member", "key"], name="member_search_key_once"),
        ]
        indexes = [
            models.Index(fields=["key", "member", "household"], name="member_search_key"),
        ]

    def __str__(self) -> str:
        return self.key


class IdentityDocument(models.Model):
    class Type(models.TextChoices):
        ID_CARD = "id_card", _("Identity card")
        PASSPORT = "passport", _("Passport")
        BIRTH_CERTIFICATE = "birth_certificate", _("Birth certificate")
        IDP_CARD = "idp_card", _("IDP card")
        OTHER = "other", _("Other")

    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="documents", verbose_name=_("member")
    )
    type = models.CharField(_("type"), max_length=20, choices=Type.choices)
    number = models.CharField(_("number"), max_length=40)
    issuer = models.CharField(_("issuer"), max_length=200, blank=True)
    expiry = models.DateField(_("expiry"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("identity document")
        constraints = [
            models.UniqueConstraint(fields=["type", "number"], name="document_number_once"),
        ]

    def __str__(self) -> str:
        return f"{self.get_type_display()} {self.number}"


class Consent(models.Model):
    """The household's informed, voluntary consent to return: required to accept an offer."""

    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="consents", verbose_name=_("household")
    )
    given_on = models.DateField(_("given on"))
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("Officer"),
    )
    document = models.CharField(_("signed form reference"), max_length=100)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["household", "given_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=models.Q(withdrawn_on=None),
                name="one_active_consent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.household} consent {self.given_on}"


class ChangeRequest(models.Model):
    """A proposed change to a sensitive part of a household (origin, membership, documents)
    or its reinstatement after a withdrawal, waiting for a second officer."""

    class Part(models.TextChoices):
        ORIGIN = "origin", _("Origin")
        MEMBERSHIP = "membership", _("Membership")
        DOCUMENTS = "documents", _("Documents")
        REINSTATEMENT = "reinstatement", _("Reinstatement")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="change_requests"
    )
    part = models.CharField(_("part"), max_length=16, choices=Part.choices)
    # Only what changes: a field left out, blank or as it is now is not part of the proposal
    # (services.change_request_create), and approving changes nothing else.
    proposed = models.JSONField(_("proposed"))
    # For a change of origin, the district of the proposed origin: a household moves to
    # another district only when an officer of that district approves, in whose queue the
    # request appears.
    proposed_district = models.ForeignKey(
        Area,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("district of the proposed origin"),
    )
    reason = models.CharField(_("reason"), max_length=300)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"{self.household}: {self.part} ({self.status})"


# The event that keeps why an officer registered a household although the check at the door
# showed a likely duplicate (registry/door.py); the pair's reviewer reads it.
REGISTERED_DESPITE = "registered despite a likely duplicate"


class HouseholdEvent(models.Model):
    """What happened to a household, by whom and when: its history and its road home."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=40)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["household", "at", "id"]

    def __str__(self) -> str:
        return f"{self.household} {self.action} {self.at:%Y-%m-%d}"


class DuplicateCandidate(models.Model):
    """Two households that record linkage found may be the same family, for an officer to judge.

    ``household_a`` has the smaller id. A pair judged not duplicate is never proposed again.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("To review")
        DUPLICATE = "duplicate", _("Duplicate")
        NOT_DUPLICATE = "not_duplicate", _("Not duplicate")

    household_a = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="+")
    household_b = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="+")
    probability = models.FloatField(_("match probability"))
    evidence = models.JSONField(_("evidence"), default=list)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    found_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-probability", "id"]
        # The review queue and the worklist's count: the open pairs, most likely first.
        indexes = [
            models.Index(fields=["status", "-probability", "id"], name="duplicate_queue"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["household_a", "household_b"], name="one_candidate_per_pair"
            ),
            models.CheckConstraint(
                condition=models.Q(household_a__lt=models.F("household_b")),
                name="candidate_pair_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.household_a} ~ {self.household_b} ({self.probability:.2f})"


class FieldForm(models.Model):
    """A form in KoboToolbox (or another field tool) that pushes its submissions here, with
    the key it pushes them with. Only the key's SHA-256 digest is kept: the key is shown
    once, when it is made, to be pasted into the tool's REST Service."""

    name = models.CharField(_("form"), max_length=100, unique=True)
    token_digest = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("field form")

    def __str__(self) -> str:
        return self.name


class FieldSubmission(models.Model):
    """A submission a field tool pushed, held for an officer to accept or reject.

    Accepting it registers its household, or — when it is an edit of a submission already
    accepted (the same first-version id, ``root``) — proposes its changes to that household
    as change requests. A submission pushed again (the same ``version``) is the same one.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("To review")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")

    form = models.ForeignKey(FieldForm, on_delete=models.PROTECT, related_name="submissions")
    # The id of this version of the submission (``meta/instanceID``).
    version = models.CharField(_("submission id"), max_length=100, unique=True)
    root = models.CharField(_("first version's id"), max_length=100, db_index=True)
    received_at = models.DateTimeField(_("received"), auto_now_add=True)
    payload = models.JSONField()
    # Where the family comes from: whose queue it is in.
    origin_settlement = models.ForeignKey(
        Settlement, on_delete=models.PROTECT, related_name="+", verbose_name=_("origin settlement")
    )
    household = models.ForeignKey(
        Household,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="field_submissions",
        verbose_name=_("household"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["received_at", "id"]
        verbose_name = _("field submission")
        # The review list and the worklist's count: those pending, the oldest first.
        indexes = [
            models.Index(fields=["status", "received_at", "id"], name="field_submission_queue")
        ]

    def __str__(self) -> str:
        return f"{self.form}: {self.version} ({self.status})"


class LinkageModel(models.Model):
    """What the last run of duplicate detection learnt from the registry (``matching``), so
    that the check at registration (``door``) scores new members exactly as the run would.

    Only the newest row is used; each run replaces it.
    """

    trained_at = models.DateTimeField(auto_now_add=True)
    records = models.PositiveIntegerField()  # how many members it learnt from
    splink = models.JSONField()
    term_frequencies = models.JSONField()
    normalise_names = models.BooleanField()
    extra_fields = models.JSONField(default=list)
    # what two households sharing another linked pair add to a pair's weight (bits)
    support_weight = models.FloatField(default=0.0)

    class Meta:
        ordering = ["-trained_at", "-id"]

    def __str__(self) -> str:
        return f"linkage model of {self.trained_at:%Y-%m-%d %H:%M} ({self.records} members)"
