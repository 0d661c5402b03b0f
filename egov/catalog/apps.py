from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "egov.catalog"
    label = "catalog"
    verbose_name = "Thủ tục hành chính (Procedure catalogue)"
