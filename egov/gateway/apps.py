from django.apps import AppConfig


class GatewayConfig(AppConfig):
    name = "egov.gateway"
    label = "gateway"
    verbose_name = "Nền tảng chia sẻ dữ liệu (data-sharing gateway, LGSP)"
    default_auto_field = "django.db.models.BigAutoField"
