"""How the API chooses between JSON and its browsable HTML pages.

A module of its own: DRF reads the setting naming this class while ``rest_framework.views``
is being imported, which ``core/api.py`` itself imports.
"""

from __future__ import annotations

from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.request import Request


class ContentNegotiation(DefaultContentNegotiation):
    """The browsable API (HTML pages describing each endpoint) only for signed-in users:
    an anonymous caller gets JSON, whatever it asks for."""

    def select_renderer(self, request: Request, renderers: list, format_suffix=None):
        if not request.user.is_authenticated:
            renderers = [r for r in renderers if r.format != "api"]  # BrowsableAPIRenderer
        return super().select_renderer(request, renderers, format_suffix)
