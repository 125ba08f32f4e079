"""Forms of reviews, reports and a module's details. They carry the input only: the services
(`packages.reviews`, `packages.reports`, `packages.rock_details`) judge it, and the views put their
errors next to the field they are about."""

from django import forms
from django.utils.translation import gettext_lazy as _

from packages.models import ReportReason

RATING_CHOICES = [
    ("positive", _("Positive")),
    ("neutral", _("Neutral")),
    ("negative", _("Negative")),
]
RATING_NAMES = {5: "positive", 3: "neutral", 1: "negative"}


class ReviewForm(forms.Form):
    rating = forms.ChoiceField(
        label=_("Your rating"), choices=RATING_CHOICES, widget=forms.RadioSelect, initial="positive"
    )
    title = forms.CharField(label=_("Title"), required=False, help_text=_("3 to 100 characters."))
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("10 to 2000 characters; Markdown."),
    )

    @classmethod
    def initial_for(cls, review) -> dict:
        return {
            "rating": RATING_NAMES.get(review.rating, "neutral"),
            "title": review.title,
            "comment": review.comment,
        }


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Reason"), choices=[("", _("Choose…")), *ReportReason.choices]
    )
    text = forms.CharField(
        label=_("What is wrong?"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Up to 2000 characters. Moderators read every report."),
    )


class RockDetailsForm(forms.Form):
    summary = forms.CharField(label=_("Summary"), required=False, help_text=_("One line."))
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 8})
    )
    labels = forms.CharField(
        label=_("Labels"),
        required=False,
        help_text=_(
            "Up to 10, separated by commas: lowercase letters, digits, - and _ "
            "(2 to 32 characters each)."
        ),
    )

    @classmethod
    def initial_for(cls, package) -> dict:
        return {
            "summary": package.short_description,
            "description": package.long_description or "",
            "labels": ", ".join(package.labels or []),
        }
