from django.apps import AppConfig


class RegistriesConfig(AppConfig):
    name = "egov.registries"
    label = "registries"
    verbose_name = "Tra cứu CSDL quốc gia (national registries)"
