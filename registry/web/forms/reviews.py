"""Forms of reviews, reports and a module's details. They carry the input only: the services
(`packages.reviews`, `packages.reports`, `packages.rock_details`) judge it, and the views put their
errors next to the field they are about."""

from django import forms

from packages.models import ReportReason

RATING_CHOICES = [("positive", "Positive"), ("neutral", "Neutral"), ("negative", "Negative")]
RATING_NAMES = {5: "positive", 3: "neutral", 1: "negative"}


class ReviewForm(forms.Form):
    rating = forms.ChoiceField(
        label="Your rating", choices=RATING_CHOICES, widget=forms.RadioSelect, initial="positive"
    )
    title = forms.CharField(label="Title", required=False, help_text="3 to 100 characters.")
    comment = forms.CharField(
        label="Comment",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="10 to 2000 characters; Markdown.",
    )

    @classmethod
    def initial_for(cls, review) -> dict:
        return {
            "rating": RATING_NAMES.get(review.rating, "neutral"),
            "title": review.title,
            "comment": review.comment,
        }


class ReportForm(forms.Form):
    reason = forms.ChoiceField(label="Reason", choices=[("", "Choose…"), *ReportReason.choices])
    text = forms.CharField(
        label="What is wrong?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Up to 2000 characters. Moderators read every report.",
    )


class RockDetailsForm(forms.Form):
    summary = forms.CharField(label="Summary", required=False, help_text="One line.")
    description = forms.CharField(
        label="Description", required=False, widget=forms.Textarea(attrs={"rows": 8})
    )
    labels = forms.CharField(
        label="Labels",
        required=False,
        help_text="Up to 10, separated by commas: lowercase letters, digits, - and _ "
        "(2 to 32 characters each).",
    )

    @classmethod
    def initial_for(cls, package) -> dict:
        return {
            "summary": package.short_description,
            "description": package.long_description or "",
            "labels": ", ".join(package.labels or []),
        }
