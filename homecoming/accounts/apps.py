from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "homecoming.accounts"
    verbose_name = "Accounts and access"
