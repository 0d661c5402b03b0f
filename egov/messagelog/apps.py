from django.apps import AppConfig


class MessagelogConfig(AppConfig):
    name = "egov.messagelog"
    label = "messagelog"
    verbose_name = "Nhật ký thông điệp (gateway message log)"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from egov.messagelog import (  # noqa: F401  (register the access rules, the checks)
            checks,
            policy,
        )
