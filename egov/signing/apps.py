from django.apps import AppConfig


class SigningConfig(AppConfig):
    name = "egov.signing"
    label = "signing"
    verbose_name = "Ký số (digital signatures)"
    default_auto_field = "django.db.models.BigAutoField"
