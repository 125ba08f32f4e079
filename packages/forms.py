"""Forms of the package pages. They check the shape of input; the services decide the rest."""

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat


class UploadField(forms.FileField):
    """A file field that refuses files above the site's upload limit before a service reads them."""

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload and upload.size > settings.MAX_UPLOAD_SIZE:
            raise forms.ValidationError(
                f"The file is too large ({filesizeformat(upload.size)}); "
                f"the limit is {filesizeformat(settings.MAX_UPLOAD_SIZE)}."
            )
        return upload


class RockspecUploadForm(forms.Form):
    rockspec_file = UploadField(
        label="Rockspec",
        help_text="A <code>NAME-VERSION.rockspec</code> file. The first upload of a name creates the module.",
        widget=forms.ClearableFileInput(attrs={"accept": ".rockspec"}),
    )


class RockUploadForm(forms.Form):
    rock_file = UploadField(
        label="Rock",
        help_text="A <code>NAME-VERSION.ARCH.rock</code> file made by <code>luarocks pack</code>.",
        widget=forms.ClearableFileInput(attrs={"accept": ".rock"}),
    )


class ConfirmForm(forms.Form):
    """Retype a name to confirm a deletion, as luarocks.org asks."""

    confirm = forms.CharField(label="Type the version to confirm", max_length=255)

    def __init__(self, *args, expected: str, label: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.expected = expected
        if label:
            self.fields["confirm"].label = label

    def clean_confirm(self):
        value = self.cleaned_data["confirm"].strip()
        if value.lower() != self.expected.lower():
            raise forms.ValidationError(f"Type “{self.expected}” exactly.")
        return value
