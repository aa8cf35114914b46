from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "homecoming.accounts"
    verbose_name = "Accounts and access"

    def ready(self) -> None:
        # Connects the audit trail's reason for changes made by imports and commands, and
        # registers the deployment checks of Homecoming's own settings.
        from homecoming.accounts import audit, checks  # noqa: F401
