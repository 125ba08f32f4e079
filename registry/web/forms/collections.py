"""The form of a collection: input only; packages.collections judges it."""

from django import forms


class CollectionForm(forms.Form):
    title = forms.CharField(label="Title", max_length=100)
    short_description = forms.CharField(label="Description", required=False, max_length=255)
    private = forms.BooleanField(
        label="Private", required=False, help_text="Only you (and moderators) see it."
    )
