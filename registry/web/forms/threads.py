"""Forms of threads, replies and email settings: input only; the services judge it."""

from django import forms
from django.utils.translation import gettext_lazy as _

from packages.models import EmailFrequency, NotificationKind


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your reply"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Up to 2000 characters; Markdown."),
    )


class ThreadForm(ReplyForm):
    title = forms.CharField(label=_("Title"), required=False, help_text=_("3 to 100 characters."))
    private = forms.BooleanField(
        label=_("Private: only the package's people and the moderators see it"),
        required=False,
        initial=True,
    )
    field_order = ["title", "body", "private"]


class EmailSettingsForm(forms.Form):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for kind in NotificationKind:
            self.fields[kind.value] = forms.ChoiceField(
                label=kind.label, choices=EmailFrequency.choices, widget=forms.RadioSelect
            )
