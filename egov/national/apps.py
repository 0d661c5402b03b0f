from django.apps import AppConfig


class NationalConfig(AppConfig):
    """Sync with the national public service portal (Cổng Dịch vụ công quốc gia, DVCQG):
    dossiers out through the outbox (issue #16, point 5)."""

    name = "egov.national"
    label = "national"
    verbose_name = "Cổng Dịch vụ công quốc gia (national portal sync)"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from egov.national import conf, handlers, policy  # noqa: F401  (access rules)

        if conf.provider() != "none":
            handlers.enable()
