from egov.national.tests.helpers import national

__all__ = ["national"]
