"""The web face's forms: input only; the services judge it."""

from django.db import models
from django.utils.functional import Promise


def web_choices(choices: type[models.TextChoices], labels: dict) -> list[tuple[str, str | Promise]]:
    """A domain's choices as a form's, each in the web's words (`labels`, marked for translation)
    or, where those have none, in the domain's English label."""
    return [(c.value, labels.get(c, c.label)) for c in choices]
