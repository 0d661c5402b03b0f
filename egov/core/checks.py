"""System checks: refuse to run in production with development defaults."""

from django.conf import settings
from django.core.checks import Warning, register


@register(deploy=True)
def secret_key_check(app_configs, **kwargs):
    if settings.SECRET_KEY.startswith("insecure-dev-key"):
        return [Warning("EGOV_SECRET_KEY is the development default", id="egov.W001")]
    return []
