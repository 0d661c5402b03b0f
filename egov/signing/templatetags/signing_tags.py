"""``{% signed_result_notice code %}``: on the public look-up, "kết quả điện tử đã
ký số" with the link to the verification page, when the dossier has one (one query,
asked only for finished dossiers)."""

from django import template

from egov.signing import queries, render

register = template.Library()


@register.inclusion_tag("signing/_lookup_notice.html", takes_context=True)
def signed_result_notice(context, code: str):
    found = queries.signed_result_by_code(code)
    return {
        "signed": found,
        "verify_url": render.verification_url(code) if found else "",
    }
