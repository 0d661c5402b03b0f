from django.apps import AppConfig


class DossiersConfig(AppConfig):
    name = "egov.dossiers"
    label = "dossiers"
    verbose_name = "Hồ sơ một cửa (Dossiers)"

    def ready(self) -> None:
        from egov.dossiers import policy  # noqa: F401  (registers the access rules)
