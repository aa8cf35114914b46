"""API plumbing shared by every app: pagination and the one exception handler."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from homecoming.core.errors import ApplicationError


class Pagination(PageNumberPagination):
    """Pages of ``PAGE_SIZE`` results; a caller may ask for up to ``max_page_size``, never more."""

    page_size_query_param = "page_size"
    max_page_size = 500


def validated_query(serializer_class: type[serializers.Serializer], request: Request) -> dict:
    """The request's query parameters checked by ``serializer_class``, or a 400 naming each."""
    query = serializer_class(data=request.query_params)
    query.is_valid(raise_exception=True)
    return query.validated_data


def exception_handler(exc: Exception, context: dict) -> Response | None:
    """Answer every refusal with a 4xx and a ``detail`` message, never a 500."""
    if isinstance(exc, ApplicationError):
        return Response({"detail": exc.message, **exc.extra}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        exc = exceptions.ValidationError(detail=detail)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(detail=str(exc) or None)
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(detail=str(exc) or None)
    return drf_exception_handler(exc, context)


ERROR_RESPONSES = {
    "400": "The request is malformed: `detail`, or one message list per field.",
    "401": "No valid credentials were given.",
    "403": "The user's role may not do this.",
    "404": "No such record, a record outside the user's districts, or a page out of range.",
}


def document_error_responses(result: dict, generator, request, public) -> dict:
    """drf-spectacular hook: every operation documents the 4xx answers every view may give."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = {
        "type": "object",
        "properties": {"detail": {"type": "string"}},
        "additionalProperties": True,
    }
    for path in result.get("paths", {}).values():
        for operation in path.values():
            responses = operation.setdefault("responses", {})
            for code, description in ERROR_RESPONSES.items():
                responses.setdefault(
                    code,
                    {
                        "description": description,
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                        },
                    },
                )
    return result
