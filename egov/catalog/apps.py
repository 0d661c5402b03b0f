from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "egov.catalog"
    label = "catalog"
    verbose_name = "Thủ tục hành chính (Procedure catalogue)"

    def ready(self) -> None:
        from egov.catalog import policy  # noqa: F401  (registers the access rules)
