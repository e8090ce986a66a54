"""Serializers of the accounts API: what a user sees of themselves, of others, and what admins see."""

from django.conf import settings
from rest_framework import serializers

from apps.accounts import services
from apps.accounts.models import User
from apps.accounts.roles import ROLE_GROUPS


def _avatar_url(user: User) -> str | None:
    asset = user.avatar
    return asset.file.url if asset is not None and asset.file else None


class PublicUserSerializer(serializers.ModelSerializer):
    """What anyone may see of another user: never the e-mail, IP or anything else."""

    display_name = serializers.CharField(source="public_name", read_only=True)
    avatar_url = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ("id", "display_name", "avatar_url", "bio")
        read_only_fields = fields

    def get_avatar_url(self, user: User) -> str | None:
        return _avatar_url(user)


class MeSerializer(serializers.ModelSerializer):
    avatar_url = serializers.SerializerMethodField()
    role = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ("id", "email", "display_name", "bio", "preferred_language", "avatar_url", "role", "date_joined")
        read_only_fields = ("id", "email", "avatar_url", "role", "date_joined")

    def get_avatar_url(self, user: User) -> str | None:
        return _avatar_url(user)

    def get_role(self, user: User) -> str:
        return services.user_role(user=user)


class MeUpdateSerializer(serializers.Serializer):
    display_name = serializers.CharField(max_length=80, allow_blank=True, required=False)
    bio = serializers.CharField(max_length=300, allow_blank=True, required=False)
    preferred_language = serializers.ChoiceField(choices=settings.LANGUAGES, required=False)


class AvatarUploadSerializer(serializers.Serializer):
    file = serializers.ImageField()


class AccountDeleteSerializer(serializers.Serializer):
    password = serializers.CharField(required=False, allow_blank=True, style={"input_type": "password"})
    code = serializers.CharField(required=False, allow_blank=True)


class AdminUserSerializer(MeSerializer):
    class Meta(MeSerializer.Meta):
        fields = (*MeSerializer.Meta.fields, "is_active", "last_login")
        read_only_fields = fields


class RoleSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=[(r, r) for r in ROLE_GROUPS])


class RefreshSerializer(serializers.Serializer):
    # Blank (or only spaces, from a form) is "no token in the body": the cookie's, or the documented 401.
    refresh = serializers.CharField(
        required=False, allow_blank=True, help_text="Bearer clients; cookie clients send nothing (or an empty value)."
    )


class TokenPairSerializer(serializers.Serializer):
    access = serializers.CharField()
    refresh = serializers.CharField()
    expires_in = serializers.IntegerField()
