"""Which views show personal data: each one says so where it is defined.

Every view of the project — page, htmx fragment, export, API endpoint — is declared with
one of three decorators, and ``accounts/middleware.py: AccessLogMiddleware`` does the rest
after the view has answered, so that a view cannot forget to log:

- :func:`personal_data` — the view shows personal data. Each answer that shows it (2xx) is
  logged with the declared action; each refusal (403 or 404 to a signed-in user) is logged
  as refused; every answer is marked ``Cache-Control: no-store``.
- :func:`acts_on_personal_data` — the view changes a record holding personal data and
  answers with a redirect: its refusals are logged and its answers not cached, but a
  change is not a read (the record's own history keeps the change).
- :func:`no_personal_data` — nothing of the above.

A view names what it showed with :func:`access_shown` (a household's reference); without
it the row names the path asked for, with its id and filters. Django's admin is declared by
its namespace below. ``accounts/tests/test_personal_data.py`` walks every URL pattern of
the project and fails on a view that is not declared; a view that is not declared anyway is
treated as showing personal data.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from django.http import HttpRequest

View = TypeVar("View", bound=Callable)


@dataclass(frozen=True)
class Declaration:
    """What a view does with personal data."""

    shows: bool  # it shows personal data: its answers are logged
    guarded: bool  # its refusals are logged and its answers are not cached
    action: str = ""  # the AccessLog action an answer is logged as, when it shows


NONE = Declaration(shows=False, guarded=False)
ACTS = Declaration(shows=False, guarded=True)

# URL namespaces whose views are not ours to decorate, with what they hold.
NAMESPACES: dict[str, Declaration] = {
    # Django's admin: user accounts, places, one-time-password devices, lockouts; none of the
    # registry's records are registered there. Its pages are never cached (AdminSite.admin_view).
    "admin": NONE,
}

_ATTRIBUTE = "personal_data_declaration"


def _declare(view: View, declaration: Declaration) -> View:
    setattr(view, _ATTRIBUTE, declaration)
    return view


def personal_data(action: str) -> Callable[[View], View]:
    """Declare that the view (function or class) shows personal data, logged as ``action``."""
    return lambda view: _declare(view, Declaration(shows=True, guarded=True, action=action))


def acts_on_personal_data(view: View) -> View:
    """Declare that the view changes a record holding personal data and shows none."""
    return _declare(view, ACTS)


def no_personal_data(view: View) -> View:
    """Declare that the view shows no personal data and acts on none."""
    return _declare(view, NONE)


def declaration_of(view: Callable, namespaces: Sequence[str] = ()) -> Declaration | None:
    """How ``view`` (as a URL pattern holds it) was declared, or ``None`` if it was not.

    Class-based views are found through ``as_view()``'s ``view_class``.
    """
    for holder in (view, getattr(view, "view_class", None)):
        declaration = getattr(holder, _ATTRIBUTE, None)
        if declaration is not None:
            return declaration
    for namespace in namespaces:
        if namespace in NAMESPACES:
            return NAMESPACES[namespace]
    return None


# The answer of a personal-data view showed nothing personal: no access-log row.
NOTHING_SHOWN = object()


def access_shown(request: HttpRequest, record: str | None) -> None:
    """Name what this answer shows, for its access-log row: a household's reference, the
    references of a pair. ``None``: this answer shows no personal data (the audit trail of
    a hazard area), and no row is written."""
    # An API view holds DRF's Request, which wraps the request the middleware sees.
    target = getattr(request, "_request", request)
    target.personal_data_shown = NOTHING_SHOWN if record is None else record
