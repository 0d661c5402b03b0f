from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "egov.directory"
    label = "directory"
    verbose_name = "Danh bạ cơ quan, cán bộ (Directory)"

    def ready(self) -> None:
        from egov.directory import policy  # noqa: F401  (registers the access rules)
