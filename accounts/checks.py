"""System checks of the accounts app, run by `manage.py check --deploy`.

Password-reset and email-verification links are account takeovers in waiting: with the console
backend they are printed to the server's output (and its logs), with locmem, dummy or file-based
backends they never reach the user. Outside DEBUG that is a deployment error, not a warning, so
`check --deploy` fails.
"""

from django.conf import settings
from django.core.checks import Error, Tags, register

UNDELIVERING_EMAIL_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend": "prints every mail to the server's output",
    "django.core.mail.backends.locmem.EmailBackend": "keeps every mail in memory",
    "django.core.mail.backends.dummy.EmailBackend": "drops every mail",
    "django.core.mail.backends.filebased.EmailBackend": "writes every mail to a file on the server",
}


@register(Tags.security, deploy=True)
def check_email_backend(app_configs, **kwargs) -> list[Error]:
    what = UNDELIVERING_EMAIL_BACKENDS.get(settings.EMAIL_BACKEND)
    if settings.DEBUG or what is None:
        return []
    return [
        Error(
            f"EMAIL_BACKEND is {settings.EMAIL_BACKEND}, which {what}: password-reset and "
            "email-verification links would not reach users, and whoever reads the output could "
            "take over accounts.",
            hint="Set EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend and EMAIL_HOST "
            "(or another delivering backend) when DEBUG is off.",
            id="accounts.E001",
        )
    ]
