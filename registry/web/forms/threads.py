"""Forms of threads, replies and email settings: input only; the services judge it."""

from django import forms
from django.utils.translation import gettext_lazy as _

from packages.models import EmailFrequency, NotificationKind
from registry.web.forms import web_choices


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


# The web's words for the domain's choices (packages.models keeps English labels for mail and the
# admin); a kind or frequency missing here shows its English label.
KIND_LABELS = {
    NotificationKind.THREAD_REPLY: _("Replies in threads you take part in or watch"),
    NotificationKind.NEW_REVIEW: _("New reviews of your packages"),
    NotificationKind.CHANGES_REQUESTED: _("Changes requested on your packages"),
    NotificationKind.APPROVED: _("Your packages approved"),
    NotificationKind.RELEASE_FAILED: _("Releases that failed to import"),
    NotificationKind.NEW_REPORT: _("New reports (editors and above)"),
    NotificationKind.NEW_RELEASE: _("New releases of packages you watch"),
    NotificationKind.UPDATE_AVAILABLE: _("New tags or commits in your packages' repositories"),
    NotificationKind.UPDATES_PAUSED: _("Update checks of your packages paused after failures"),
}
FREQUENCY_LABELS = {
    EmailFrequency.IMMEDIATELY: _("Immediately"),
    EmailFrequency.DIGEST: _("Daily digest"),
    EmailFrequency.NEVER: _("Never"),
}


def kind_label(kind: str) -> str:
    """A notification kind as the page's language says it."""
    member = NotificationKind(kind)
    return str(KIND_LABELS.get(member, member.label))


class EmailSettingsForm(forms.Form):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        frequencies = web_choices(EmailFrequency, FREQUENCY_LABELS)
        for kind in NotificationKind:
            self.fields[kind.value] = forms.ChoiceField(
                label=kind_label(kind), choices=frequencies, widget=forms.RadioSelect
            )
