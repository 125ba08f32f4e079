"""Markdown written by users, on pages: rendered and sanitised by media_tools.markdown.

{% load markup %}
{{ review.comment|markdown }}
"""

from django import template
from django.utils.safestring import SafeString, mark_safe

from media_tools.markdown import render_markdown

register = template.Library()


@register.filter
def markdown(text: str | None) -> SafeString:
    return mark_safe(render_markdown(text or ""))  # noqa: S308 - render_markdown sanitises it
