"""Who may do what, and where: the one place that knows the roles.

Pages, API and exports ask :func:`user_can` for an action, :func:`district_scope` for the
districts and :func:`programme_scope` for the programmes; each aggregate's access helper
(``household_list_for_user`` and friends) combines them.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.utils.functional import cached_property

from homecoming.accounts.models import DISTRICTS_READ, PROGRAMMES_READ, Role, User

HOUSEHOLD_VIEW = "household.view"
HOUSEHOLD_CHANGE = "household.change"
HOUSEHOLD_EXPORT = "household.export"
PLACES_IMPORT = "places.import"
# Importing the mine-action registers (hazard areas, land release, devices, casualties) and
# the reconstruction registers (projects, units, utilities); site/imports.py: IMPORT_RULES.
MINEACTION_IMPORT = "mineaction.import"
HOUSING_IMPORT = "housing.import"
# Reading the access log.
ACCESS_LOG_VIEW = "accesslog.view"
# Reading the audit trail of a record: who changed what, when, from what to what.
HISTORY_VIEW = "history.view"
# Running allocations and approving them.
RETURN_PLAN = "return.plan"
# Drafting, comparing and approving versions of a programme's policy (the approver is never
# the drafter: programmes/models.py, PolicyVersion).
POLICY_MANAGE = "policy.manage"
# Seeing the programmes (their phases, targets and counts of households); making and
# changing them, their phases and status.
PROGRAMME_VIEW = "programme.view"
PROGRAMME_MANAGE = "programme.manage"
# Annotating discrepancies in the figure ledger, and adding photos of heritage monuments.
FIGURES_EDIT = "figures.edit"
# Individual mine accidents and victims, and exact casualty counts (small ones included);
# everyone else sees them aggregated, small counts hidden (docs/monitoring.md, Small numbers).
CASUALTY_VIEW = "casualty.view"

_ALL = frozenset(
    {
        HOUSEHOLD_VIEW,
        HOUSEHOLD_CHANGE,
        HOUSEHOLD_EXPORT,
        PLACES_IMPORT,
        MINEACTION_IMPORT,
        HOUSING_IMPORT,
        CASUALTY_VIEW,
        FIGURES_EDIT,
        RETURN_PLAN,
        POLICY_MANAGE,
        HISTORY_VIEW,
        PROGRAMME_VIEW,
        PROGRAMME_MANAGE,
    }
)

PERMISSIONS: dict[str, frozenset[str]] = {
    Role.ADMINISTRATOR: _ALL,
    Role.REGISTRATION_OFFICER: frozenset(
        {HOUSEHOLD_VIEW, HOUSEHOLD_CHANGE, HOUSEHOLD_EXPORT, PROGRAMME_VIEW}
    ),
    Role.RETURN_PLANNER: frozenset(
        {HOUSEHOLD_VIEW, HOUSEHOLD_EXPORT, RETURN_PLAN, POLICY_MANAGE, PROGRAMME_VIEW}
    ),
    Role.MINE_ACTION: frozenset({CASUALTY_VIEW, MINEACTION_IMPORT}),
    Role.RECONSTRUCTION: frozenset({HOUSING_IMPORT}),
    Role.MONITORING_EDITOR: frozenset({FIGURES_EDIT, PROGRAMME_VIEW}),
    Role.AUDITOR: frozenset(
        {HOUSEHOLD_VIEW, CASUALTY_VIEW, ACCESS_LOG_VIEW, HISTORY_VIEW, PROGRAMME_VIEW}
    ),
    Role.VIEWER: frozenset(),
}

# Roles whose work is always local: without a district they see no records.
SCOPED_ROLES = frozenset({Role.REGISTRATION_OFFICER})

# Whoever may read personal data or the audit trail confirms each sign-in with a time-based
# one-time password, when settings.REQUIRE_TOTP is on: administrators, registration officers,
# return planners, mine-action data managers (individual casualties) and auditors.
TOTP_PERMISSIONS = frozenset({HOUSEHOLD_VIEW, CASUALTY_VIEW, ACCESS_LOG_VIEW, HISTORY_VIEW})


def user_can(user: User, action: str) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return action in PERMISSIONS.get(user.role, frozenset())


def require(user: User, action: str) -> None:
    if not user_can(user, action):
        raise PermissionDenied(f"Your role may not do this ({action}).")


def district_scope(user: User) -> frozenset[int] | None:
    """The ids of the districts ``user`` works on, or ``None`` for every district."""
    if user.is_superuser:
        return None
    # Read once per loaded user (a request asks several times: the page frame and the view);
    # a change of the user's districts forgets it (models.py: districts_changed).
    if (ids := user.__dict__.get(DISTRICTS_READ)) is None:
        ids = user.__dict__[DISTRICTS_READ] = frozenset(user.districts.values_list("id", flat=True))
    if ids or user.role in SCOPED_ROLES:
        return ids
    return None


def programme_scope(user: User) -> frozenset[int] | None:
    """The ids of the programmes ``user`` works on, or ``None`` for every programme: a user
    assigned to none works on all of them (``Programme.users``, read through the reverse
    relation ``user.programmes``: accounts does not import the programmes app)."""
    if user.is_superuser or not user.is_authenticated:
        return None
    # Read once per loaded user, as the districts (models.py: programmes_changed).
    if (ids := user.__dict__.get(PROGRAMMES_READ)) is None:
        ids = user.__dict__[PROGRAMMES_READ] = frozenset(
            user.programmes.values_list("id", flat=True)
        )
    return ids or None


def scope_key(user: User) -> str:
    """The user's districts and programmes in a few characters, for figures kept for what
    the user sees (``core.kept``)."""
    return scopes_key(district_scope(user), programme_scope(user))


def scopes_key(districts: frozenset[int] | None, programmes: frozenset[int] | None) -> str:
    """Districts and programmes (None: all) in a few characters, as :func:`scope_key`."""
    return ":".join(
        "all" if scope is None else ",".join(map(str, sorted(scope)))
        for scope in (districts, programmes)
    )


def totp_required(user: User) -> bool:
    """Whether ``user`` must confirm the sign-in with a one-time password before going on."""
    if not settings.REQUIRE_TOTP or not user.is_authenticated:
        return False
    if user.is_superuser or user.is_staff:
        return True
    return bool(PERMISSIONS.get(user.role, frozenset()) & TOTP_PERMISSIONS)


class Can:
    """What a page may offer ``user``, for templates: ``{% if can.household_export %}`` is
    :func:`user_can` with ``HOUSEHOLD_EXPORT``, the rule the linked view ``require``s, so a
    link is shown exactly where its target opens. An unknown rule is an error, never a
    link silently hidden."""

    def __init__(self, user: User) -> None:
        self.user = user

    def __getitem__(self, name: str) -> bool:
        action = globals().get(name.upper())
        if not isinstance(action, str) or action not in _ALL | {ACCESS_LOG_VIEW}:
            raise ImproperlyConfigured(f"No access rule {name!r} in accounts/access.py.")
        return user_can(self.user, action)


class Scope:
    """The user's districts, for templates: ``{% if hazard.district_id in scope %}`` holds
    where the district-scoped lists (``mineaction/selectors.py: scoped``) show the record.
    Read once per page, when first asked."""

    def __init__(self, user: User) -> None:
        self.user = user

    @cached_property
    def districts(self) -> frozenset[int] | None:
        return district_scope(self.user)

    def __contains__(self, district_id: object) -> bool:
        return self.districts is None or district_id in self.districts
