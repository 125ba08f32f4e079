"""Forms of the package, release, screenshot and module pages. They check the shape of input; the
services decide the rest."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from media_tools.thumbnails import MIN_HEIGHT, MIN_WIDTH
from packages.models import AIDisclosure, ContentWarning, DevState, License, LuantiVersion, Tag
from packages.package_edits import NAME, PackageChanges


class UploadField(forms.FileField):
    """A file field that refuses files above an upload limit (the name of its setting, read when the
    form is checked) before a service reads them."""

    def __init__(self, *args, limit_setting: str = "MAX_UPLOAD_SIZE", **kwargs):
        self.limit_setting = limit_setting
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        limit = getattr(settings, self.limit_setting)
        if upload and upload.size > limit:
            raise forms.ValidationError(
                _("The file is too large ({size}); the limit is {limit}.").format(
                    size=filesizeformat(upload.size), limit=filesizeformat(limit)
                )
            )
        return upload


class TitledChoices(forms.ModelMultipleChoiceField[Tag | ContentWarning]):
    """Tags or content warnings: people read their titles, the form posts their names."""

    def label_from_instance(self, obj: Tag | ContentWarning) -> str:
        return obj.title


class RockspecUploadForm(forms.Form):
    rockspec_file = UploadField(
        label=_("Rockspec"),
        help_text=_(
            "A <code>NAME-VERSION.rockspec</code> file. The first upload of a name creates the module."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".rockspec"}),
    )


class RockUploadForm(forms.Form):
    rock_file = UploadField(
        label=_("Rock"),
        help_text=_(
            "A <code>NAME-VERSION.ARCH.rock</code> file made by <code>luarocks pack</code>."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".rock"}),
    )


class ConfirmForm(forms.Form):
    """Retype a name to confirm a deletion, as luarocks.org asks."""

    confirm = forms.CharField(label=_("Type the version to confirm"), max_length=255)

    def __init__(self, *args, expected: str, label: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.expected = expected
        if label:
            self.fields["confirm"].label = label

    def clean_confirm(self):
        value = self.cleaned_data["confirm"].strip()
        if value.lower() != self.expected.lower():
            raise forms.ValidationError(
                _("Type “{expected}” exactly.").format(expected=self.expected)
            )
        return value


class PackageForm(forms.Form):
    """Every field a package has on ContentDB; `changes()` gives them to the package services."""

    type = forms.ChoiceField(
        label=_("Type"),
        choices=[("MOD", _("Mod")), ("GAME", _("Game")), ("TXP", _("Texture pack"))],
    )
    name = forms.CharField(
        label=_("Technical name"),
        max_length=100,
        help_text=_("Lower-case letters, digits and underscores; the folder name in Luanti."),
    )
    title = forms.CharField(label=_("Title"), max_length=100)
    short_description = forms.CharField(
        label=_("Short description"), max_length=200, help_text=_("One sentence shown in lists.")
    )
    long_description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Markdown. Shown on the package page and in Luanti."),
    )
    dev_state = forms.ChoiceField(
        label=_("Maintenance state"), required=False, choices=[("", "—"), *DevState.choices]
    )
    ai_disclosure = forms.ChoiceField(
        label=_("AI use"), required=False, choices=[("", _("Not answered")), *AIDisclosure.choices]
    )
    license = forms.ModelChoiceField(
        queryset=License.objects.all(), to_field_name="name", label=_("License")
    )
    media_license = forms.ModelChoiceField(
        queryset=License.objects.all(), to_field_name="name", label=_("Media license")
    )
    tags = TitledChoices(
        label=_("Tags"),
        queryset=Tag.objects.all(),
        to_field_name="name",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    content_warnings = TitledChoices(
        label=_("Content warnings"),
        queryset=ContentWarning.objects.all(),
        to_field_name="name",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    repo = forms.CharField(label=_("Source repository"), required=False, max_length=200)
    website = forms.CharField(label=_("Website"), required=False, max_length=200)
    issue_tracker = forms.CharField(label=_("Issue tracker"), required=False, max_length=200)
    forums = forms.IntegerField(
        label=_("Forum topic id"),
        required=False,
        min_value=1,
        help_text=_("The t= number of the topic."),
    )
    video_url = forms.CharField(label=_("Video URL"), required=False, max_length=200)
    donate_url = forms.CharField(label=_("Donation URL"), required=False, max_length=200)
    translation_url = forms.CharField(label=_("Translation URL"), required=False, max_length=200)

    NULLABLE_TEXT = (
        "repo",
        "website",
        "issue_tracker",
        "video_url",
        "donate_url",
        "translation_url",
    )

    @classmethod
    def initial_for(cls, package) -> dict:
        initial = {
            name: getattr(package, name) for name in cls.base_fields if hasattr(package, name)
        }
        initial["license"] = package.license.name if package.license else None
        initial["media_license"] = package.media_license.name if package.media_license else None
        initial["tags"] = list(package.tags.values_list("name", flat=True))
        initial["content_warnings"] = list(package.content_warnings.values_list("name", flat=True))
        return initial

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not NAME.fullmatch(name):
            raise forms.ValidationError(
                _(
                    "Use only lower-case letters (a to z), digits and underscores, with no spaces or "
                    "hyphens: for example “glowing_mushrooms”."
                )
            )
        return name

    def changes(self) -> PackageChanges:
        """The cleaned form as the changes the package services take (every field set)."""
        data = self.cleaned_data
        texts = {name: data[name] or None for name in self.NULLABLE_TEXT}
        return PackageChanges(
            type=data["type"],
            name=data["name"],
            title=data["title"],
            short_description=data["short_description"],
            long_description=data["long_description"],
            dev_state=data["dev_state"] or None,
            ai_disclosure=data["ai_disclosure"] or None,
            license=data["license"].name,
            media_license=data["media_license"].name,
            tags=[tag.name for tag in data["tags"]],
            content_warnings=[warning.name for warning in data["content_warnings"]],
            forums=data["forums"],
            **texts,
        )


class ReleaseForm(forms.Form):
    """A release from an uploaded zip or imported from the package's git repository."""

    source = forms.ChoiceField(
        label=_("Source"),
        choices=[("zip", _("Upload a zip")), ("git", _("Import from the git repository"))],
        initial="zip",
        widget=forms.RadioSelect,
    )
    title = forms.CharField(
        label=_("Title"), max_length=100, help_text=_("e.g. “1.2.0” or “Autumn update”.")
    )
    file = UploadField(
        label=_("Zip file"),
        limit_setting="MAX_RELEASE_ZIP_SIZE",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".zip"}),
        help_text=_("The mod, game or texture pack folder, zipped. Needed when you upload a zip."),
    )
    ref = forms.CharField(
        label=_("Git branch, tag or commit"),
        required=False,
        max_length=200,
        help_text=_("For an import; empty means the default branch."),
    )
    release_notes = forms.CharField(
        label=_("Release notes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=10_000,
    )
    min_luanti = forms.ModelChoiceField(
        queryset=LuantiVersion.objects.all(),
        required=False,
        label=_("Minimum Luanti version"),
        empty_label=_("Any"),
    )
    max_luanti = forms.ModelChoiceField(
        queryset=LuantiVersion.objects.all(),
        required=False,
        label=_("Maximum Luanti version"),
        empty_label=_("Any"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["file"]
        limit = filesizeformat(settings.MAX_RELEASE_ZIP_SIZE)
        field.help_text = f"{field.help_text} " + _("At most {limit}.").format(limit=limit)

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("source") == "zip" and not cleaned.get("file") and "file" not in self.errors:
            self.add_error("file", _("Choose a zip file to upload."))
        return cleaned


class ScreenshotForm(forms.Form):
    title = forms.CharField(
        label=_("Title"), max_length=100, help_text=_("Also the image's text for screen readers.")
    )
    file = UploadField(
        label=_("Image"),
        limit_setting="MAX_SCREENSHOT_SIZE",
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
        help_text=(
            f"PNG, JPEG or WebP, at least {MIN_WIDTH} x {MIN_HEIGHT} pixels; 1280 x 720 or larger "
            "looks best."
        ),
    )
    is_cover_image = forms.BooleanField(label=_("Use as the cover image"), required=False)
