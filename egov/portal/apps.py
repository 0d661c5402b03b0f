from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The citizen-facing site (Cổng dịch vụ công): online application, "my dossiers",
    supplements, results, ratings, single sign-on (issue #14)."""

    name = "egov.portal"
    verbose_name = "Cổng dịch vụ công (citizen portal)"
