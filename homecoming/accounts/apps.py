from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "homecoming.accounts"
    verbose_name = "Accounts and access"

    def ready(self) -> None:
        # Connects the audit trail's reason for changes made by imports and commands.
        from homecoming.accounts import audit  # noqa: F401
