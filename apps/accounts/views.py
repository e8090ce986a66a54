"""Profile, delete account and log out everywhere. allauth serves every other account page."""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from . import services
from .forms import AccountDeleteForm, ProfileForm


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = ProfileForm(request.POST or None, request.FILES or None, instance=user)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_profile_save(
                user=user,
                data=form.cleaned_data,
                avatar_file=form.cleaned_data.get("avatar_file"),
                remove_avatar=form.cleaned_data.get("remove_avatar", False),
            )
        except ValidationError as exc:
            form.add_error("avatar_file", exc.messages)
        else:
            language = user.preferred_language
            with translation.override(language):
                messages.success(request, _("Your profile has been saved."))
                response = redirect(reverse("account_profile"))
            response.set_cookie("django_language", language, samesite="Lax")
            return response
    user.refresh_from_db(fields=["avatar"])
    return render(request, "account/profile.html", {"form": form, "profile_user": user})


@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = AccountDeleteForm(request.POST or None)
    if request.method == "POST" and request.POST.get("action") == "send_code":
        services.account_deletion_code_send(user=user)
        messages.info(request, _("We sent a code to %(email)s.") % {"email": user.email})
        return redirect("account_delete")
    if request.method == "POST" and form.is_valid():
        try:
            services.account_delete_confirmed(
                user=user, password=form.cleaned_data["password"], code=form.cleaned_data["code"]
            )
        except ValidationError:
            form.add_error(None, _("The password or code is not correct."))
        else:
            logout(request)
            messages.success(request, _("Your account has been deleted."))
            return redirect("/")
    return render(request, "account/delete.html", {"form": form, "has_password": user.has_usable_password()})


@login_required
@require_POST
def logout_everywhere(request: HttpRequest) -> HttpResponse:
    services.user_logout_everywhere(user=request.user)
    logout(request)
    messages.success(request, _("You have been signed out on every device."))
    return redirect("account_login")
