from django.apps import AppConfig


class SiteConfig(AppConfig):
    """The pages that combine domains, the page frame, the audit-trail reader and the import
    registry: the top layer (docs/architecture.md, "Layers")."""

    name = "homecoming.site"
    verbose_name = "Homecoming site"
