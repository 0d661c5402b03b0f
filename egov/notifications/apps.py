from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "egov.notifications"
    label = "notifications"
    verbose_name = "Thông báo cho người nộp (notifications)"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from egov.notifications import (  # noqa: F401  (register the outbox handlers, the access rules)
            handlers,
            policy,
        )
