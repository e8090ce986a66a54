"""Users API: the caller's own account, the public profile of others, and admin management."""

from django.conf import settings
from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import AuthenticationFailed, NotAuthenticated, ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework_simplejwt.exceptions import TokenError

from apps.accounts import selectors, services
from apps.accounts.authentication import JWTHeaderOrCookieAuthentication
from apps.accounts.errors import TokenRefused
from apps.accounts.middleware import clear_jwt_cookies, set_jwt_cookies
from apps.accounts.models import User

from . import serializers
from .permissions import IsAdmin


class UserViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """Admins only, except the `me` actions (any signed-in user, about themselves)."""

    serializer_class = serializers.AdminUserSerializer
    permission_classes = [IsAdmin]
    search_fields = ("email", "display_name")
    filterset_fields = ("is_active", "preferred_language")
    ordering_fields = ("date_joined", "email", "last_login")
    _me_actions = ("me", "avatar", "logout_all", "deletion_code")

    def get_permissions(self) -> list[permissions.BasePermission]:
        if self.action in self._me_actions:
            return [permissions.IsAuthenticated()]
        return super().get_permissions()

    def get_queryset(self) -> QuerySet[User]:
        return selectors.user_list_for_admin(role=self.request.query_params.get("role") or None)

    @extend_schema(parameters=[OpenApiParameter("role", str, enum=["Readers", "Editors", "Admins"])])
    def list(self, request: Request, *args: object, **kwargs: object) -> Response:
        return super().list(request, *args, **kwargs)

    def perform_destroy(self, instance: User) -> None:
        if instance.pk == self.request.user.pk:
            raise ValidationError({"non_field_errors": ["Delete your own account from /users/me/."]}, code="self")
        services.user_delete(user=instance)

    def _set_active(self, request: Request, active: bool) -> Response:
        user = services.user_set_active(user=self.get_object(), active=active, by=request.user)
        return Response(serializers.AdminUserSerializer(user).data)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def enable(self, request: Request, pk: str | None = None) -> Response:
        return self._set_active(request, True)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def disable(self, request: Request, pk: str | None = None) -> Response:
        return self._set_active(request, False)

    @extend_schema(request=serializers.RoleSerializer, responses=serializers.AdminUserSerializer)
    @action(detail=True, methods=["post"])
    def role(self, request: Request, pk: str | None = None) -> Response:
        data = serializers.RoleSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = services.user_set_role(user=self.get_object(), role=data.validated_data["role"], by=request.user)
        return Response(serializers.AdminUserSerializer(user).data)

    @extend_schema(methods=["GET"], responses=serializers.MeSerializer)
    @extend_schema(methods=["PATCH"], request=serializers.MeUpdateSerializer, responses=serializers.MeSerializer)
    @extend_schema(methods=["DELETE"], request=serializers.AccountDeleteSerializer, responses={204: None})
    @action(detail=False, methods=["get", "patch", "delete"])
    def me(self, request: Request) -> Response:
        user = request.user
        if request.method == "PATCH":
            data = serializers.MeUpdateSerializer(data=request.data, partial=True)
            data.is_valid(raise_exception=True)
            user = services.user_update_profile(user=user, data=data.validated_data)
        elif request.method == "DELETE":
            data = serializers.AccountDeleteSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            services.account_delete_confirmed(user=user, **data.validated_data)
            response = Response(status=status.HTTP_204_NO_CONTENT)
            clear_jwt_cookies(response)
            return response
        return Response(serializers.MeSerializer(user).data)

    @extend_schema(request=None, responses={204: None})
    @action(
        detail=False, methods=["post"], url_path="me/deletion-code", throttle_classes=[]
    )  # see AuthRateLimitMiddleware
    def deletion_code(self, request: Request) -> Response:
        """E-mail a code that confirms `DELETE /users/me/` for accounts without a password."""
        services.account_deletion_code_send(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        methods=["POST"],
        request={"multipart/form-data": serializers.AvatarUploadSerializer},
        responses=serializers.MeSerializer,
    )
    @extend_schema(methods=["DELETE"], request=None, responses={200: serializers.MeSerializer})
    @action(
        detail=False,
        methods=["post", "delete"],
        url_path="me/avatar",
        parser_classes=[MultiPartParser, FormParser],
        throttle_classes=[],
    )
    def avatar(self, request: Request) -> Response:
        if request.method == "DELETE":
            return Response(serializers.MeSerializer(services.user_remove_avatar(user=request.user)).data)
        data = serializers.AvatarUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = services.user_set_avatar(user=request.user, uploaded_file=data.validated_data["file"])
        return Response(serializers.MeSerializer(user).data)

    @extend_schema(request=None, responses={204: None})
    @action(detail=False, methods=["post"], url_path="me/logout-all")
    def logout_all(self, request: Request) -> Response:
        """Log out everywhere: every refresh token is revoked and every session ended."""
        services.user_logout_everywhere(user=request.user)
        response = Response(status=status.HTTP_204_NO_CONTENT)
        clear_jwt_cookies(response)
        return response


class ProfileViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Another user's public profile: display name, avatar and bio only."""

    serializer_class = serializers.PublicUserSerializer
    permission_classes = [permissions.AllowAny]

    def get_queryset(self) -> QuerySet[User]:
        return selectors.user_list_public()


class AuthViewSet(viewsets.ViewSet):
    """Token refresh and log-out for the API's own clients.

    Bearer clients send `{"refresh": ...}` (allauth's `/_allauth/app/v1/tokens/refresh` does the same);
    browser clients send nothing: the refresh token travels in its HttpOnly cookie, and the
    `X-CSRFToken` header must match the `csrftoken` cookie.
    """

    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]
    throttle_classes: list = []  # limited with every auth endpoint by AuthRateLimitMiddleware
    parser_classes = [JSONParser, FormParser]

    def get_authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'  # so a refused token is a 401, not a 403

    def _refresh_from(self, request: Request) -> tuple[str, bool]:
        data = serializers.RefreshSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if data.validated_data.get("refresh"):
            return data.validated_data["refresh"], False
        cookie = request.COOKIES.get(settings.JWT_COOKIE_REFRESH, "")
        if not cookie:
            # No token at all (neither in the body nor in the cookie): not signed in, like a refused one.
            raise NotAuthenticated(
                "Send the refresh token in `refresh` (or, from a browser, in its cookie).", code="not_authenticated"
            )
        JWTHeaderOrCookieAuthentication()._enforce_csrf(request)
        return cookie, True

    @extend_schema(request=serializers.RefreshSerializer, responses=serializers.TokenPairSerializer)
    @action(detail=False, methods=["post"])
    def refresh(self, request: Request) -> Response:
        token, from_cookie = self._refresh_from(request)
        try:
            pair = services.token_pair_refresh(refresh=token)
        except (TokenError, TokenRefused) as exc:
            raise AuthenticationFailed(
                "The refresh token is invalid, expired or revoked.", code="token_not_valid"
            ) from exc
        response = Response({"access": pair.access, "refresh": pair.refresh, "expires_in": pair.expires_in})
        if from_cookie:
            set_jwt_cookies(response, pair)
        return response

    @extend_schema(request=serializers.RefreshSerializer, responses={204: None})
    @action(detail=False, methods=["post"])
    def logout(self, request: Request) -> Response:
        """Log out this device: its refresh token is blacklisted (and the cookies cleared)."""
        token, _from_cookie = self._refresh_from(request)
        services.token_blacklist(refresh=token)
        response = Response(status=status.HTTP_204_NO_CONTENT)
        clear_jwt_cookies(response)
        return response
