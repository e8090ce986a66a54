"""The comment form of the pages, with its two bot checks: a honeypot field people never see, and a
signed time stamp (a form sent within COMMUNITY_MIN_SUBMIT_SECONDS of being shown came from a bot; a
stamp older than COMMUNITY_FORM_MAX_AGE_HOURS, or forged, asks for a fresh form)."""

import time
from typing import Any

from django import forms
from django.conf import settings
from django.core import signing
from django.utils.translation import gettext_lazy as _

from .models import NotificationPreference

STAMP_SALT = "community.comment-form"
HONEYPOT = "website"


def make_stamp(target: str) -> str:
    """A signed "this form was shown at <time> for <target>" (e.g. "post:12", "board:3")."""
    return signing.dumps({"t": round(time.time(), 3), "k": target}, salt=STAMP_SALT, compress=True)


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Comment"),
        strip=False,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": settings.COMMUNITY_COMMENT_MAX_CHARS}),
        help_text=_("Markdown: *emphasis*, **strong**, [links](https://…) and `code`."),
    )
    name = forms.CharField(label=_("Name"), max_length=80, required=False)
    email = forms.EmailField(
        label=_("E-mail"), required=False, help_text=_("Never shown. Only used to tell you about replies.")
    )
    notify = forms.BooleanField(label=_("E-mail me when someone replies"), required=False, initial=True)
    # The honeypot: hidden from people (off-screen, out of the tab order), filled in by form-filling bots.
    website = forms.CharField(label=_("Leave this field empty"), required=False)
    stamp = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, guest: bool, target: str, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.guest = guest
        self.target = target
        if target.startswith("board:"):
            self.fields["body"].label = _("Message")
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})
        self.fields["body"].widget.attrs["aria-describedby"] = "id_body_helptext"
        if guest:
            self.fields["name"].required = True
            self.fields["email"].required = True
            self.fields["name"].widget.attrs["autocomplete"] = "name"
            self.fields["email"].widget.attrs["autocomplete"] = "email"
        else:
            for name in ("name", "email", "notify"):
                del self.fields[name]

    def clean_body(self) -> str:
        # Browsers count a line break as one character and send two: count it as one here too.
        return self.cleaned_data["body"].replace("\r\n", "\n")

    def clean(self) -> dict[str, Any]:
        # The bot checks are errors of the whole form: their fields are hidden, nobody could fix them.
        cleaned = super().clean()
        if cleaned.get(HONEYPOT):
            raise forms.ValidationError(_("Your comment could not be sent."), code="honeypot")
        self._check_stamp(cleaned.get("stamp") or "")
        return cleaned

    def _check_stamp(self, value: str) -> None:
        max_age = settings.COMMUNITY_FORM_MAX_AGE_HOURS * 3600
        try:
            data = signing.loads(value, salt=STAMP_SALT, max_age=max_age)
        except signing.SignatureExpired as exc:
            raise forms.ValidationError(_("This form is too old: please send it again."), code="expired") from exc
        except signing.BadSignature as exc:
            raise forms.ValidationError(_("This form is not valid: please send it again."), code="invalid") from exc
        if not isinstance(data, dict) or data.get("k") != self.target or not isinstance(data.get("t"), int | float):
            raise forms.ValidationError(_("This form is not valid: please send it again."), code="invalid")
        age = time.time() - data["t"]
        if age > max_age:
            raise forms.ValidationError(_("This form is too old: please send it again."), code="expired")
        if age < settings.COMMUNITY_MIN_SUBMIT_SECONDS:
            raise forms.ValidationError(
                _("That was quick! Please take a moment, then send your comment again."), code="too_fast"
            )

    def add_service_error(self, error: Any) -> None:
        """A service's ValidationError on this form: per field where it names one, else on the form."""
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                self.add_error(field if field in self.fields else None, errors)
        else:
            self.add_error(None, error)

    @property
    def fresh_stamp(self) -> str:
        """The stamp a rendered form carries: always new (after an error too, the time counts again)."""
        return make_stamp(self.target)


class CommentEditForm(forms.Form):
    body = forms.CharField(
        label=_("Comment"),
        strip=False,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": settings.COMMUNITY_COMMENT_MAX_CHARS}),
    )

    def clean_body(self) -> str:
        return self.cleaned_data["body"].replace("\r\n", "\n")


class NotificationPreferenceForm(forms.ModelForm):
    class Meta:
        model = NotificationPreference
        fields = ("email_on_reply", "email_on_post_comment")


class FriendLinkApplyForm(forms.Form):
    """A friend-link application (the service checks the rest: https logo, one description at least)."""

    name = forms.CharField(label=_("Site name"), max_length=80)
    url = forms.URLField(label=_("Address"), max_length=300, assume_scheme="https")
    logo_url = forms.URLField(
        label=_("Logo address"), max_length=300, required=False, assume_scheme="https", help_text=_("https:// only.")
    )
    logo = forms.ImageField(label=_("Or upload a logo"), required=False)
    description_en = forms.CharField(label=_("Description (English)"), max_length=300, required=False)
    description_zh_hans = forms.CharField(label=_("Description (Chinese)"), max_length=300, required=False)


class SubscribeForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"), max_length=254)
    language = forms.ChoiceField(choices=settings.LANGUAGES, required=False)
    website = forms.CharField(required=False)  # the honeypot: people leave it empty
