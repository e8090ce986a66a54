from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import User


class ProfileForm(forms.ModelForm):
    avatar_file = forms.ImageField(label=_("New avatar"), required=False, help_text=_("JPEG, PNG or WebP, up to 5 MB."))
    remove_avatar = forms.BooleanField(label=_("Remove the avatar"), required=False)

    class Meta:
        model = User
        fields = ("display_name", "bio", "preferred_language")
        widgets = {"bio": forms.Textarea(attrs={"rows": 4, "maxlength": 300})}
        help_texts = {
            "bio": _("Plain text, up to 300 characters."),
            "preferred_language": _("Used for e-mails and as your default language on this site."),
        }

    preferred_language = forms.ChoiceField(label=_("Preferred language"), choices=settings.LANGUAGES)


class AccountDeleteForm(forms.Form):
    password = forms.CharField(label=_("Current password"), required=False, widget=forms.PasswordInput)
    code = forms.CharField(
        label=_("Or the code we e-mailed you"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code"}),
    )
    confirm = forms.BooleanField(label=_("I understand that my account and my files are deleted for good."))
