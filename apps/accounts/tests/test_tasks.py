"""The welcome e-mail: queued on commit, idempotent, in the user's language, HTML + text."""

import pytest
from django.core import mail

from apps.accounts import services
from apps.accounts.tasks import user_send_welcome_task

from .factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_welcome_email_is_sent_once_however_often_the_task_runs():
    user = UserFactory(display_name="Ada")
    assert user_send_welcome_task(user.pk) is True
    assert user_send_welcome_task(user.pk) is False
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [user.email]
    assert message.subject == "Welcome to Inkwell"
    assert "Hello Ada," in message.body
    html, mime = message.alternatives[0]
    assert mime == "text/html"
    assert "Complete your profile" in html


def test_the_welcome_email_speaks_the_users_language():
    user = UserFactory(preferred_language="zh-hans")
    user_send_welcome_task(user.pk)
    assert mail.outbox[0].subject == "欢迎加入 Inkwell"
    assert "/zh-hans/accounts/profile/" in mail.outbox[0].body


def test_the_welcome_is_queued_only_after_commit(django_capture_on_commit_callbacks):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.user_queue_welcome(user=user)
    assert mail.outbox == []
    assert len(callbacks) == 1
    callbacks[0]()
    assert len(mail.outbox) == 1


def test_a_deleted_or_disabled_user_gets_no_welcome():
    user = UserFactory(is_active=False)
    assert user_send_welcome_task(user.pk) is False
    assert user_send_welcome_task(987654) is False
    assert mail.outbox == []


def test_the_welcome_email_goes_out_through_a_real_smtp_server(settings):
    """Django's SMTP backend talking to aiosmtpd on an ephemeral local port."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    received = []

    class Collect(Message):
        def handle_message(self, message) -> None:
            received.append(message)

    class EphemeralController(Controller):
        def _trigger_server(self) -> None:
            self.port = self.server.sockets[0].getsockname()[1]  # bound to port 0: read the real one
            super()._trigger_server()

    controller = EphemeralController(Collect(), hostname="127.0.0.1", port=0)
    controller.start()
    try:
        port = controller.port
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", port, False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        user = UserFactory(email="smtp@example.com", preferred_language="zh-hans")
        assert user_send_welcome_task(user.pk) is True
    finally:
        controller.stop()
    assert len(received) == 1
    message = received[0]
    assert message["To"] == "smtp@example.com"
    assert message.is_multipart()
    kinds = [part.get_content_type() for part in message.walk()]
    assert "text/plain" in kinds
    assert "text/html" in kinds


def test_expired_refresh_tokens_are_flushed_and_live_ones_kept():
    from datetime import timedelta

    from django.utils import timezone
    from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

    from apps.accounts.tasks import tokens_flush_expired_task

    user = UserFactory()
    services.token_pair_issue(user=user)
    services.token_pair_issue(user=user)
    OutstandingToken.objects.filter(pk=OutstandingToken.objects.first().pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    tokens_flush_expired_task()
    assert OutstandingToken.objects.count() == 1


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_the_welcome_email_from_the_redis_queue(celery_worker_on_redis):
    user = UserFactory(display_name="Grace")
    assert user_send_welcome_task.delay(user.pk).get(timeout=20) is True
    assert [m.subject for m in mail.outbox] == ["Welcome to Inkwell"]
    user.refresh_from_db()
    assert user.welcome_sent_at is not None
