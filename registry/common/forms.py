"""What the web face and the moderators' admin share in their forms."""

from collections.abc import Callable
from typing import Any

from django import forms

from accounts.errors import AccountsError


def domain_check(check: Callable[..., Any], value: Any, **kwargs: Any) -> Any:
    """Run an accounts rule and turn its refusal into the field's error message."""
    try:
        return check(value, **kwargs)
    except AccountsError as error:
        raise forms.ValidationError(str(error)) from error
