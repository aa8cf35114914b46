"""The API, fuzzed from its own OpenAPI schema: no request may get a 500 or an answer that
breaks the schema. A bounded number of examples per operation keeps `make test` short."""

from __future__ import annotations

import io
import json

import django
import pytest
import schemathesis
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from homecoming.accounts.models import Role
from homecoming.accounts.services import api_token_create
from homecoming.wsgi import application


def _schema() -> schemathesis.schemas.BaseSchema:
    """The schema as /api/schema/ serves it to a signed-in user (it needs no database to be
    made, and anonymous callers are refused it), calling the application in-process."""
    django.setup()
    out = io.StringIO()
    call_command("spectacular", format="openapi-json", stdout=out)
    loaded = schemathesis.openapi.from_dict(json.loads(out.getvalue()))
    loaded.app = application
    return loaded


schema = _schema()


@pytest.fixture
def token(db, make_user, places, make_household):
    # Called straight, the WSGI handler closes the database connection after each request
    # (close_old_connections), which on PostgreSQL ends the test's transaction; Django's
    # test client disconnects that handler the same way.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    make_household(places.zar)
    _token, key = api_token_create(user=make_user("fuzzer", Role.ADMINISTRATOR), name="fuzzer")
    yield key
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_no_request_gets_a_server_error_or_breaks_the_schema(case, token):
    # The API is lenient with some inputs the schema would refuse (an empty filter is no
    # filter), so "schema-violating request accepted" is not checked; answers are.
    case.call_and_validate(
        headers={"Authorization": f"Token {token}"},
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ],
    )
