"""The form of a package's update detection page (releases/updates.py decides the rest)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from registry.web.forms import web_choices
from releases.models import TitleFrom, UpdateAction, UpdateSettings, UpdateTrigger
from releases.updates import UpdateChanges

# The web's words for the domain's choices (releases.models keeps English labels); a choice missing
# here shows its English label.
CHOICE_LABELS = {
    UpdateTrigger.TAG: _("A new tag"),
    UpdateTrigger.COMMIT: _("A new commit on a branch"),
    UpdateAction.RELEASE: _("Make a release"),
    UpdateAction.NOTIFY: _("Tell the package's people"),
    TitleFrom.TAG: _("The tag's name"),
    TitleFrom.DATE_COMMIT: _("The date and the short commit"),
}


class UpdateSettingsForm(forms.Form):
    repo = forms.CharField(
        label=_("Repository"),
        required=False,
        max_length=255,
        help_text=_("The module's git repository (https://...)."),
    )
    trigger = forms.ChoiceField(label=_("When"), choices=web_choices(UpdateTrigger, CHOICE_LABELS))
    action = forms.ChoiceField(label=_("Then"), choices=web_choices(UpdateAction, CHOICE_LABELS))
    tag_pattern = forms.CharField(
        label=_("Tag pattern"),
        required=False,
        max_length=100,
        help_text=_("Only tags matching this glob, e.g. <code>v*</code>. Empty: every tag."),
    )
    branch = forms.CharField(
        label=_("Branch"),
        required=False,
        max_length=200,
        help_text=_("For new commits. Empty: the repository's default branch."),
    )
    title_from = forms.ChoiceField(
        label=_("Release title"), choices=web_choices(TitleFrom, CHOICE_LABELS)
    )
    poll = forms.BooleanField(label=_("Also check the repository periodically"), required=False)
    paused = forms.BooleanField(label=_("Paused"), required=False)

    def __init__(self, *args, rock: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not rock:
            del self.fields["repo"]  # a Luanti package's repository is on its details page

    @staticmethod
    def initial_for(current: UpdateSettings | None, repo: str | None) -> dict:
        if current is None:
            return {"repo": repo or "", "trigger": "tag", "action": "release", "poll": True}
        return {
            "repo": repo or "",
            "trigger": current.trigger,
            "action": current.action,
            "tag_pattern": current.tag_pattern,
            "branch": current.branch,
            "title_from": current.title_from,
            "poll": current.poll,
            "paused": current.paused,
        }

    def changes(self) -> UpdateChanges:
        data = self.cleaned_data
        return UpdateChanges(
            trigger=data["trigger"],
            action=data["action"],
            branch=data.get("branch") or "",
            tag_pattern=data.get("tag_pattern") or "",
            title_from=data["title_from"],
            poll=bool(data.get("poll")),
            paused=bool(data.get("paused")),
        )
