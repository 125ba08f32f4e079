"""German pages: Django's German formats (d.m.Y, 1.234), with the time in the short date-time."""

from django.conf.locale.de.formats import *  # noqa: F403

SHORT_DATETIME_FORMAT = "d.m.Y H:i"
