"""``{% registry_prefill_button who %}`` and ``{% registry_prefill_notice lookup %}``:
the registry prefill of the portal's applicant step (egov.registries.portal)."""

from django import template

from egov.registries import portal

register = template.Library()


@register.inclusion_tag("registries/_portal_button.html")
def registry_prefill_button(who):
    return {
        "offered": portal.offered(who),
        "business": portal.registry_of(who) == "business",
        "go": portal.GO,
    }


@register.inclusion_tag("registries/_portal_notice.html")
def registry_prefill_notice(lookup):
    return {"lookup": lookup}


@register.inclusion_tag("registries/_desk_button.html")
def registry_desk_button():
    from egov.registries import desk, providers

    return {"offered": providers.enabled("population"), "step": desk.STEP}
