from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "homecoming.accounts"
    verbose_name = "Accounts and access"

    def ready(self) -> None:
        # Registers the deployment checks of Homecoming's own settings.
        from homecoming.accounts import checks  # noqa: F401
