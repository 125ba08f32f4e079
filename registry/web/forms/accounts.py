"""Forms of the account pages. They validate input; the writes happen in accounts services."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, UserCreationForm
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts import login_throttle
from accounts.backends import LOGIN_THROTTLED
from accounts.models import User
from accounts.usernames import check_email_is_free, check_new_username
from packages.models import Package, PackageType
from registry.common.forms import domain_check


class SignupForm(UserCreationForm):
    """Django's creation form (it checks the username case-insensitively) with the name and email
    rules every account path shares (accounts/usernames.py)."""

    email = forms.EmailField(
        label=_("Email"),
        help_text=_(
            "We mail you a link to verify it; you can publish once it is verified. "
            "Never shown publicly."
        ),
    )

    class Meta:
        model = User
        fields = ["username", "email"]
        help_texts = {"username": "Appears in your package URLs. Letters, digits, . _ and -."}

    def clean_username(self):
        return domain_check(check_new_username, super().clean_username())

    def clean_email(self):
        return domain_check(check_email_is_free, self.cleaned_data["email"])


class LoginForm(AuthenticationForm):
    """Django's login form. The password check behind it (accounts/backends.py) is throttled and
    explains suspensions, so the admin's form and any later one behave the same."""


def code_field() -> forms.CharField:
    return forms.CharField(
        label=_("Code"),
        max_length=40,
        help_text=_("The 6 digits your authenticator app shows, or one of your recovery codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text"}),
    )


class ThrottledPasswordChangeForm(PasswordChangeForm):
    """Django's form, with wrong old passwords counted in the login throttle: an open session
    (a borrowed laptop, a stolen cookie) must not become a way to guess the password."""

    def __init__(self, user, *args, address: str = "", **kwargs):
        super().__init__(user, *args, **kwargs)
        self.address = address

    def clean_old_password(self):
        username = self.user.username
        if login_throttle.is_locked_out(username=username, address=self.address):
            raise forms.ValidationError(LOGIN_THROTTLED, code="throttled")
        try:
            return super().clean_old_password()
        except forms.ValidationError:
            login_throttle.record_failure(username=username, address=self.address)
            raise


class SecondFactorForm(forms.Form):
    code = code_field()


class DisableSecondFactorForm(forms.Form):
    password = forms.CharField(
        label=_("Password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "off"})
    )
    code = code_field()


class ProfileForm(forms.ModelForm):
    def clean_email(self):
        email = self.cleaned_data["email"]
        return domain_check(check_email_is_free, email, owner_pk=self.instance.pk)

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
        label=_("Type your username to confirm"), max_length=150, strip=True
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_confirm_username(self):
        value = self.cleaned_data["confirm_username"]
        if value.lower() != self.user.username.lower():
            raise forms.ValidationError(_("That is not your username."))
        return value


class ApiKeyForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"),
        max_length=255,
        required=False,
        help_text=_("A note to tell your keys apart, e.g. the machine it lives on."),
    )


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=100, help_text=_("e.g. “GitHub Actions for my mod”.")
    )
    package = forms.ModelChoiceField(
        label=_("Package"),
        queryset=Package.objects.none(),
        required=False,
        empty_label=_("All my packages"),
        help_text=_("Limit the token to one package."),
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["package"]
        assert isinstance(field, forms.ModelChoiceField)  # declared above
        field.queryset = (
            Package.objects.filter(Q(author=user) | Q(maintainers=user))
            .exclude(type=PackageType.ROCK)
            .select_related("author")
            .distinct()
            .order_by("title")
        )
