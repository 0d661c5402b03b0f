from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "egov.payments"
    label = "payments"
    verbose_name = "Thu phí, lệ phí (fees)"
    default_auto_field = "django.db.models.BigAutoField"
