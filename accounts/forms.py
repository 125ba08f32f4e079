"""Forms of the account pages. They validate input; the writes happen in accounts services."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.core.validators import RegexValidator
from django.db.models import Q

from accounts import login_throttle
from accounts.models import User
from packages.models import Package, PackageType

USERNAME_VALIDATOR = RegexValidator(
    r"^[A-Za-z0-9_][A-Za-z0-9_.-]{1,49}$",
    "2 to 50 characters: letters, digits, dots, dashes and underscores.",
)


class SignupForm(UserCreationForm):
    """Django's creation form (it checks the username case-insensitively) with URL-safe names."""

    email = forms.EmailField(help_text="For password resets. Never shown publicly.")

    class Meta:
        model = User
        fields = ["username", "email"]
        help_texts = {"username": "Appears in your package URLs. Letters, digits, . _ and -."}

    def clean_username(self):
        username = super().clean_username()
        USERNAME_VALIDATOR(username)
        return username


class LoginForm(AuthenticationForm):
    """Django's login form, refusing further attempts after repeated failures."""

    error_messages = {
        **AuthenticationForm.error_messages,
        # the wait is the throttle's window, so the message cannot drift from it
        "throttled": "Too many failed log-in attempts. Please wait "
        f"{login_throttle.WINDOW_SECONDS // 60} minutes and try again.",
    }

    def _address(self) -> str:
        return self.request.META.get("REMOTE_ADDR", "") if self.request else ""

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        if login_throttle.is_locked_out(username=username, address=self._address()):
            raise forms.ValidationError(self.error_messages["throttled"], code="throttled")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            login_throttle.record_failure(username=username, address=self._address())
            raise
        login_throttle.clear_failures(username=username, address=self._address())
        return cleaned


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = [
            "display_name",
            "email",
            "website_url",
            "donate_url",
            "github_username",
            "forums_username",
        ]
        labels = {
            "website_url": "Website",
            "donate_url": "Donation link",
            "github_username": "GitHub username",
            "forums_username": "Luanti forums username",
        }


class DeleteAccountForm(forms.Form):
    confirm_username = forms.CharField(
        label="Type your username to confirm", max_length=150, strip=True
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_confirm_username(self):
        value = self.cleaned_data["confirm_username"]
        if value.lower() != self.user.username.lower():
            raise forms.ValidationError("That is not your username.")
        return value


class ApiKeyForm(forms.Form):
    comment = forms.CharField(
        max_length=255,
        required=False,
        help_text="A note to tell your keys apart, e.g. the machine it lives on.",
    )


class ApiTokenForm(forms.Form):
    name = forms.CharField(max_length=100, help_text="e.g. “GitHub Actions for my mod”.")
    package = forms.ModelChoiceField(
        queryset=Package.objects.none(),
        required=False,
        empty_label="All my packages",
        help_text="Limit the token to one package.",
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["package"].queryset = (
            Package.objects.filter(Q(author=user) | Q(maintainers=user))
            .exclude(type=PackageType.ROCK)
            .select_related("author")
            .distinct()
            .order_by("title")
        )
