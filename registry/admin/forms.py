"""Forms of the admin: the intermediate forms of actions (a comment, a reason, a rank, a transfer's
new owner and which maintainers stay, a package's maintainers) and the user forms, which follow the
sign-up rules for names and addresses. They parse input; the services decide the rest."""

from collections.abc import Sequence

from django import forms
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm

from accounts.models import Rank, User
from accounts.usernames import check_email_is_free, check_new_username
from packages.models import Package
from registry.common.forms import domain_check


def _user(username: str) -> User:
    user = User.objects.filter(username__iexact=username.strip()).first()
    if user is None:
        raise forms.ValidationError(f"No user has the name {username.strip()}.")
    return user


class TransferForm(forms.Form):
    new_owner = forms.CharField(max_length=150, help_text="The username of the new owner.")
    keep = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Maintainers who stay",
        help_text="Unticked people stop maintaining the package and lose their tokens limited "
        "to it. The old owner is unticked unless you tick them.",
    )

    def __init__(self, *args, packages: Sequence[Package] = (), **kwargs):
        super().__init__(*args, **kwargs)
        people = Package.maintainers.through.objects.filter(
            package__in=[p.pk for p in packages]
        ).values("user_id")
        staying = User.objects.filter(pk__in=people).order_by("username")
        field = self.fields["keep"]
        assert isinstance(field, forms.ModelMultipleChoiceField)  # declared above
        field.queryset = staying
        owners = {p.author_id for p in packages}
        field.initial = [user.pk for user in staying if user.pk not in owners]

    def clean_new_owner(self) -> User:
        try:
            return _user(self.cleaned_data["new_owner"])
        except forms.ValidationError:
            raise forms.ValidationError("No user has that name.") from None


class MaintainersForm(forms.Form):
    maintainers = forms.CharField(
        required=False,
        max_length=2000,
        label="Maintainers (comma-separated)",
        help_text="Usernames besides the author, who always maintains the package. Whoever "
        "leaves the list loses their tokens limited to it.",
    )

    def __init__(self, *args, packages: Sequence[Package] = (), **kwargs):
        super().__init__(*args, **kwargs)
        if len(packages) == 1:  # ContentDB's form: the current list, without the author
            package = packages[0]
            names = package.maintainers.exclude(pk=package.author_id).values_list(
                "username", flat=True
            )
            self.fields["maintainers"].initial = ", ".join(sorted(names))

    def clean_maintainers(self) -> list[User]:
        names = [n for n in self.cleaned_data["maintainers"].split(",") if n.strip()]
        return [_user(name) for name in names]


class CommentForm(forms.Form):
    comment = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6, "cols": 80}),
        max_length=2000,
        help_text="Shown to the package's author: say what needs to change.",
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
        max_length=500,
        required=False,
        help_text="Kept in the audit log.",
    )


class RankForm(forms.Form):
    rank = forms.TypedChoiceField(choices=Rank.choices, coerce=int)


class UserAddForm(AdminUserCreationForm):
    """An account made in the admin follows the sign-up rules for names (accounts/usernames.py)."""

    def clean_username(self):
        return domain_check(check_new_username, super().clean_username())


class UserChangeNameForm(UserChangeForm):
    """A rename or a new address in the admin follows the same rules as sign-up."""

    def clean_username(self):
        username = self.cleaned_data["username"]
        if username == self.instance.username:
            return username  # names from before the rules stay valid until changed
        return domain_check(check_new_username, username, renaming_pk=self.instance.pk)

    def clean_email(self):
        email = self.cleaned_data["email"]
        if not email or email.lower() == (self.instance.email or "").lower():
            return email
        return domain_check(check_email_is_free, email, owner_pk=self.instance.pk)
