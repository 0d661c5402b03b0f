from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "egov.core"
    label = "core"
    verbose_name = "Nền tảng (Core)"

    def ready(self) -> None:
        from egov.core import checks, openapi, policy, signals  # noqa: F401  (registers them)

        openapi.register_extensions()
