from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "egov.core"
    label = "core"
    verbose_name = "Nền tảng (Core)"

    def ready(self) -> None:
        from egov.core import (  # noqa: F401  (registers them)
            accounts,
            checks,
            openapi,
            policy,
            signals,
        )

        openapi.register_extensions()
