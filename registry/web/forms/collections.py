"""The form of a collection: input only; packages.collections judges it."""

from django import forms
from django.utils.translation import gettext_lazy as _


class CollectionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=100)
    short_description = forms.CharField(label=_("Description"), required=False, max_length=255)
    private = forms.BooleanField(
        label=_("Private"), required=False, help_text=_("Only you (and moderators) see it.")
    )
