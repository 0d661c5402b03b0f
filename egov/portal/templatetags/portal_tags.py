from django import template
from django.utils.translation import get_language

from egov.portal import rules

register = template.Library()


@register.filter
def plain_status(status: str) -> str:
    """A dossier status in the plain words the applicant reads."""
    return rules.plain_status(status, (get_language() or "vi").startswith("en"))
