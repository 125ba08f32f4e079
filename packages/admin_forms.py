"""Forms of the package actions in the admin that choose people: a transfer's new owner and which
maintainers stay, and a package's maintainers. They parse input; the services decide the rest."""

from django import forms

from accounts.models import User
from packages.models import Package


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

    def __init__(self, *args, packages: list[Package] = (), **kwargs):
        super().__init__(*args, **kwargs)
        people = Package.maintainers.through.objects.filter(
            package__in=[p.pk for p in packages]
        ).values("user_id")
        field = self.fields["keep"]
        field.queryset = User.objects.filter(pk__in=people).order_by("username")
        owners = {p.author_id for p in packages}
        field.initial = [user.pk for user in field.queryset if user.pk not in owners]

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

    def __init__(self, *args, packages: list[Package] = (), **kwargs):
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
