from egov.payments.tests.online import platform

__all__ = ["platform"]
