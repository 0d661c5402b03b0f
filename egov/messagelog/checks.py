"""System checks of the message log (``manage.py check --deploy``)."""

from django.core.checks import Warning, register

from egov.messagelog import conf


@register(deploy=True)
def messagelog_key_check(app_configs, **kwargs):
    if not conf.key_text():
        return [
            Warning(
                "EGOV_MESSAGELOG_KEY is not set: the message log's pseudonyms (and bodies) "
                "use a key derived from the secret key (docs/messagelog.md)",
                id="egov.messagelog.W001",
            )
        ]
    return []
