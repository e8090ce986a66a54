"""Payments' API: checkout, the caller's orders (editors: all), invoices, refunds, project downloads."""

from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import get_language
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from apps.blog import selectors as blog_selectors
from apps.core.schema import ErrorSerializer
from apps.media import selectors as media_selectors
from apps.payments import selectors, services
from apps.payments.errors import AlreadyOwned, PaymentError, PaymentsNotConfigured
from apps.payments.models import Invoice, Order
from apps.payments.views import invoice_file_response

from . import serializers as s


class NotConfiguredError(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "Payments are not configured on this site."
    default_code = "payments_not_configured"


class ProviderError(exceptions.APIException):
    status_code = status.HTTP_502_BAD_GATEWAY
    default_detail = "The payment provider failed; try again."
    default_code = "payment_provider_error"


class AlreadyOwnedError(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "You already own this."
    default_code = "already_owned"


class PaymentErrorsMixin:
    """Provider and ownership refusals in the API's error shape: 503 (no keys), 502 (Stripe failed), 409."""

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, PaymentsNotConfigured):
            exc = NotConfiguredError(detail=str(exc))
        elif isinstance(exc, PaymentError):
            exc = ProviderError(detail=str(exc))
        elif isinstance(exc, AlreadyOwned):
            exc = AlreadyOwnedError(detail=exc.messages[0])
        return super().handle_exception(exc)  # type: ignore[misc]


NOT_CONFIGURED = OpenApiResponse(ErrorSerializer, description="No Stripe keys on this site.")
PROVIDER_FAILED = OpenApiResponse(ErrorSerializer, description="Stripe failed or refused.")
PDF = OpenApiResponse(OpenApiTypes.BINARY, description="The PDF.")


class CheckoutViewSet(PaymentErrorsMixin, viewsets.GenericViewSet):
    permission_classes = (permissions.IsAuthenticated,)
    serializer_class = s.CheckoutSerializer
    throttle_scope = "write"

    @extend_schema(
        summary="Start a checkout",
        request=s.CheckoutSerializer,
        responses={
            201: s.CheckoutResponseSerializer,
            404: OpenApiResponse(ErrorSerializer, description="No such project or post (published)."),
            409: OpenApiResponse(ErrorSerializer, description="You already own this."),
            502: PROVIDER_FAILED,
            503: NOT_CONFIGURED,
        },
    )
    def create(self, request: Request) -> Response:
        """Start a purchase: a pending order and the Stripe Checkout address to send the buyer to."""
        serializer = s.CheckoutSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        project = post = None
        if "project" in data:
            project = blog_selectors.project_list_published().filter(pk=data["project"]).first()
            if project is None:
                raise exceptions.NotFound("No such project.")
        else:
            post = blog_selectors.post_list_published().filter(pk=data["post"]).first()
            if post is None:
                raise exceptions.NotFound("No such post.")
        order = services.order_checkout_start(buyer=request.user, project=project, post=post, language=get_language())
        order = selectors.order_list_for_user(user=request.user).get(pk=order.pk)
        body = {"order": s.OrderSerializer(order).data, "checkout_url": order.checkout_url}
        return Response(body, status=status.HTTP_201_CREATED)


@extend_schema_view(list=extend_schema(summary="List orders"), retrieve=extend_schema(summary="Get an order"))
class OrderViewSet(PaymentErrorsMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The caller's orders; editors see every order."""

    permission_classes = (permissions.IsAuthenticated,)
    serializer_class = s.OrderSerializer
    queryset = Order.objects.none()  # for the schema; get_queryset() asks the selectors

    def get_queryset(self) -> QuerySet[Order]:
        return selectors.order_list_for_user(user=self.request.user)

    def get_throttles(self) -> list[Any]:
        if self.action == "refund":
            self.throttle_scope = "write"
        return super().get_throttles()

    @extend_schema(responses={(200, "application/pdf"): PDF})
    @action(detail=True, methods=["get"])
    def invoice(self, request: Request, pk: Any = None) -> Any:
        """Download the order's invoice (PDF)"""
        order = self.get_object()
        document = selectors.order_invoice(order=order)
        if document is None:
            raise exceptions.NotFound("This order has no invoice (it is not paid).")
        return invoice_file_response(document)

    @extend_schema(responses={(200, "application/pdf"): PDF})
    @action(detail=True, methods=["get"], url_path=r"documents/(?P<document_id>[0-9]{1,18})")
    def document(self, request: Request, pk: Any = None, document_id: str = "") -> Any:
        """Download one of the order's documents (PDF): its invoice or a credit note"""
        order = self.get_object()
        document = order.invoices.filter(pk=int(document_id)).first()
        if document is None:
            raise exceptions.NotFound("This order has no such document.")
        return invoice_file_response(document)

    @extend_schema(
        request=s.RefundRequestSerializer,
        responses={200: s.OrderSerializer, 502: PROVIDER_FAILED, 503: NOT_CONFIGURED},
    )
    @action(detail=True, methods=["post"])
    def refund(self, request: Request, pk: Any = None) -> Response:
        """Refund all or part of a paid order (needs the refund permission)"""
        if not selectors.user_may_refund(request.user):
            raise exceptions.PermissionDenied()
        order = self.get_object()
        serializer = s.RefundRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.order_refund(
            order=order,
            amount=serializer.validated_data.get("amount"),
            by=request.user,
            reason=serializer.validated_data.get("reason", ""),
        )
        return Response(s.OrderSerializer(self.get_queryset().get(pk=order.pk)).data)


class DownloadViewSet(viewsets.GenericViewSet):
    """A project's attachment for buyers and editors, through a short-lived signed URL made now."""

    permission_classes = (permissions.IsAuthenticated,)
    serializer_class = s.DownloadSerializer
    queryset = Invoice.objects.none()

    @extend_schema(
        summary="Get a project's download link",
        parameters=[OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The project's id.")],
        responses={
            200: s.DownloadSerializer,
            403: OpenApiResponse(ErrorSerializer, description="Not a buyer (nor an editor) of this project."),
            404: OpenApiResponse(ErrorSerializer, description="No such project, or it has no attachment."),
        },
    )
    def retrieve(self, request: Request, pk: Any = None) -> Response:
        """Get a download link for a project (by id)"""
        project = blog_selectors.project_list_visible(user=request.user).filter(pk=_whole(pk)).first()
        if project is None or project.attachment_id is None:
            raise exceptions.NotFound("No such download.")
        if not selectors.user_can_download(user=request.user, project=project):
            raise exceptions.PermissionDenied("Buy this project to download it.")
        seconds = settings.PAYMENTS_DOWNLOAD_URL_SECONDS
        url = media_selectors.asset_private_url(asset=project.attachment, for_user=request.user, expires=seconds)
        return Response({"url": request.build_absolute_uri(url), "expires_in": seconds})


def _whole(value: Any) -> int:
    from apps.core.numbers import parse_whole_number

    number = parse_whole_number(str(value))
    if number is None or number > 2**63 - 1:
        raise exceptions.NotFound("No such download.")
    return number
