"""The admin saves through the same services as the API: the same rules, messages and side effects."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from apps.blog import services
from apps.blog.errors import IllegalTransition
from apps.blog.models import AccessGrant, Post, PreviewLink
from apps.blog.selectors import user_can_read_post
from apps.blog.signals import post_unpublished

from .factories import PostFactory, ProjectFactory, UserFactory
from .test_admin import ADD, _form

pytestmark = pytest.mark.django_db
POSTS = "/api/v1/posts/"


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def _form_errors(response) -> dict[str, list[str]]:
    assert response.status_code == 200, "the form was expected to refuse"
    return {name: list(errors) for name, errors in response.context["adminform"].form.errors.items()}


def _at(when) -> dict[str, str]:
    local = timezone.localtime(when)
    return {"published_at_0": f"{local:%Y-%m-%d}", "published_at_1": f"{local:%H:%M:%S}"}


def test_a_body_over_the_limit_gives_the_same_message_in_the_admin_and_the_api(
    editor_client, api_client, editor, settings
):
    settings.BLOG_BODY_MAX_CHARS = 10
    api_client.force_authenticate(editor)

    admin_errors = _form_errors(editor_client.post(ADD, _form(title_en="T", body_zh_hans="字" * 11)))
    api = api_client.post(POSTS, {"title_en": "T", "body_zh_hans": "字" * 11})

    assert api.status_code == 400
    assert api.json()["code"] == "too_long"
    assert admin_errors["body_zh_hans"] == api.json()["errors"]["body_zh_hans"]
    assert admin_errors["body_zh_hans"] == ["The body is too long: 11 characters, at most 10."]
    assert not Post.objects.exists()


def test_a_body_over_the_limit_is_refused_for_projects_in_the_admin_too(editor_client, settings):
    settings.BLOG_BODY_MAX_CHARS = 10
    data = {"title_en": "P", "title_zh_hans": "", "slug": "", "type": "web", "order": 0, "price": 0}
    data |= {
        "currency": "USD",
        "body_en": "x" * 11,
        "body_zh_hans": "",
        "description_en": "",
        "description_zh_hans": "",
    }

    errors = _form_errors(editor_client.post(reverse("admin:blog_project_add"), data))

    assert errors["body_en"] == ["The body is too long: 11 characters, at most 10."]


def test_an_illegal_move_gives_the_same_message_in_the_admin_and_the_api(editor_client, api_client, editor):
    post = PostFactory()  # published
    later = timezone.now() + timedelta(days=2)
    api_client.force_authenticate(editor)

    admin_errors = _form_errors(
        editor_client.post(
            reverse("admin:blog_post_change", args=[post.pk]), _form(title_en="T", status="scheduled", **_at(later))
        )
    )
    api = api_client.post(f"{POSTS}{post.slug}/schedule/", {"at": later.isoformat()})

    assert api.status_code == 400
    assert api.json()["code"] == "illegal_transition"
    assert admin_errors["status"] == api.json()["errors"]["non_field_errors"]
    assert admin_errors["status"] == ["A post cannot go from published to scheduled."]
    post.refresh_from_db()
    assert post.status == Post.Status.PUBLISHED


def test_a_future_time_with_published_is_refused_alike_by_the_admin_and_the_service(editor_client, editor):
    draft = PostFactory(draft=True)
    later = timezone.now() + timedelta(days=2)

    admin_errors = _form_errors(
        editor_client.post(
            reverse("admin:blog_post_change", args=[draft.pk]), _form(title_en="T", status="published", **_at(later))
        )
    )
    with pytest.raises(IllegalTransition) as refused:
        services.post_update(post=draft, by=editor, data={"status": "published", "published_at": later})

    assert admin_errors["published_at"] == refused.value.messages
    assert refused.value.messages == ["A future time means “Scheduled”: choose that status instead."]
    assert Post.objects.get(pk=draft.pk).status == Post.Status.DRAFT


def test_an_untouched_post_scheduled_for_a_time_now_past_saves_alike_in_the_admin_and_the_service(
    editor_client, editor
):
    # Scheduled for a time that has passed (it is live; the beat task has not flipped it yet).
    due = PostFactory(status=Post.Status.SCHEDULED, published_at=timezone.now() - timedelta(minutes=5))
    other = PostFactory(status=Post.Status.SCHEDULED, published_at=due.published_at)

    response = editor_client.post(
        reverse("admin:blog_post_change", args=[due.pk]),
        _form(title_en="Edited in the admin", status="scheduled", **_at(due.published_at)),
    )
    services.post_update(
        post=other,
        by=editor,
        data={"title_en": "Edited by the service", "status": "scheduled", "published_at": due.published_at},
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    due.refresh_from_db()
    other.refresh_from_db()
    assert (due.title_en, due.status) == ("Edited in the admin", Post.Status.SCHEDULED)
    assert (other.title_en, other.status) == ("Edited by the service", Post.Status.SCHEDULED)
    assert due.published_at == other.published_at  # microseconds kept: the form's time was not a change


def test_a_post_added_in_the_admin_is_made_like_one_from_the_api(editor_client, api_client, editor):
    api_client.force_authenticate(editor)

    response = editor_client.post(ADD, _form(title_en="From the admin", body_en="## Hi"))
    api_client.post(POSTS, {"title_en": "From the API", "body_en": "## Hi"})

    assert response.status_code == 302, response.context["adminform"].form.errors
    from_admin, from_api = Post.objects.get(title_en="From the admin"), Post.objects.get(title_en="From the API")
    for post in (from_admin, from_api):
        assert (post.status, post.author, post.published_at) == (Post.Status.DRAFT, editor, None)
        assert '<h2 id="hi">Hi</h2>' in post.body_html_en
        assert [(r.note, r.created_by) for r in post.revisions.all()] == [("created", editor)]


def test_unpublishing_in_the_admin_form_tells_listeners_like_the_service_does(
    editor_client, editor, django_capture_on_commit_callbacks
):
    in_admin, by_service = PostFactory(), PostFactory()
    heard = []
    post_unpublished.connect(
        lambda post, by, **kw: heard.append((post.pk, by)), weak=False, dispatch_uid="test-one-write-path"
    )
    try:
        with django_capture_on_commit_callbacks(execute=True):
            editor_client.post(
                reverse("admin:blog_post_change", args=[in_admin.pk]),
                _form(title_en="Gone", status="draft", **_at(in_admin.published_at)),
            )
        with django_capture_on_commit_callbacks(execute=True):
            services.post_update(post=by_service, by=editor, data={"status": "draft"})
    finally:
        post_unpublished.disconnect(dispatch_uid="test-one-write-path")

    assert heard == [(in_admin.pk, editor), (by_service.pk, editor)]
    assert [r.note for r in Post.objects.get(pk=in_admin.pk).revisions.all()] == ["edited"]


# --- Access grants and preview links ----------------------------------------------------------------


def _grant_form(user, post=None, project=None, **extra) -> dict:
    data = {"user": user.pk, "post": post.pk if post else "", "project": project.pk if project else ""}
    return {**data, "source": "manual", "reference": "", **extra}


def test_granting_in_the_admin_reactivates_a_revoked_grant_like_the_service_does(editor_client):
    user, post = UserFactory(), PostFactory(is_premium=True)
    services.access_grant_create(user=user, post=post, source="purchase", reference="order-1")
    services.access_grant_revoke(user=user, post=post)

    response = editor_client.post(
        reverse("admin:blog_accessgrant_add"), _grant_form(user, post, source="gift", reference="apology")
    )

    assert response.status_code == 302
    grant = AccessGrant.objects.get()  # the same grant, active again: not a refused duplicate
    assert (grant.revoked_at, grant.source, grant.reference) == (None, "gift", "apology")
    assert user_can_read_post(user=user, post=post)


def test_a_grant_added_in_the_admin_is_the_one_the_service_makes(editor_client):
    post = PostFactory(is_premium=True)
    by_admin, by_service = UserFactory(), UserFactory()

    editor_client.post(reverse("admin:blog_accessgrant_add"), _grant_form(by_admin, post, reference="r"))
    services.access_grant_create(user=by_service, post=post, reference="r")

    fields = ("post_id", "project_id", "source", "reference", "revoked_at")
    admin_grant, service_grant = (
        AccessGrant.objects.filter(user=u).values(*fields).get() for u in (by_admin, by_service)
    )
    assert admin_grant == service_grant


def test_a_grant_with_two_targets_gets_the_same_message_from_the_admin_and_the_service(editor_client):
    user, post, project = UserFactory(), PostFactory(), ProjectFactory()

    response = editor_client.post(reverse("admin:blog_accessgrant_add"), _grant_form(user, post, project))
    with pytest.raises(ValidationError) as refused:
        services.access_grant_create(user=user, post=post, project=project)

    assert _form_errors(response)["__all__"] == refused.value.messages
    assert not AccessGrant.objects.exists()


def test_an_existing_grant_is_changed_only_by_the_actions(editor_client):
    grant = services.access_grant_create(user=UserFactory(), post=PostFactory(is_premium=True), reference="a")
    page = reverse("admin:blog_accessgrant_change", args=[grant.pk])

    assert editor_client.get(page).status_code == 200  # read-only view
    assert editor_client.post(page, {"reference": "b", "source": "gift"}).status_code == 403
    grant.refresh_from_db()
    assert grant.reference == "a"


def test_a_preview_link_added_in_the_admin_is_the_one_the_service_makes(editor_client, editor):
    post = PostFactory(draft=True)

    response = editor_client.post(reverse("admin:blog_previewlink_add"), {"post": post.pk, "days": 3})
    service_link = services.preview_link_create(post=post, by=editor, days=3)

    assert response.status_code == 302
    admin_link = PreviewLink.objects.exclude(pk=service_link.pk).get()
    assert (admin_link.post, admin_link.created_by, admin_link.revoked) == (post, editor, False)
    assert abs((admin_link.expires_at - service_link.expires_at).total_seconds()) < 5
    assert services.preview_link_resolve(token=admin_link.token) == post


def test_a_preview_link_of_no_days_gets_the_same_message_from_the_admin_and_the_service(editor_client, editor):
    post = PostFactory(draft=True)

    response = editor_client.post(reverse("admin:blog_previewlink_add"), {"post": post.pk, "days": 0})
    with pytest.raises(ValidationError) as refused:
        services.preview_link_create(post=post, by=editor, days=0)

    assert _form_errors(response)["days"] == refused.value.message_dict["days"]
    assert not PreviewLink.objects.exists()


def test_a_revoked_preview_link_cannot_be_revived_through_its_page(editor_client, editor):
    link = services.preview_link_revoke(link=services.preview_link_create(post=PostFactory(draft=True), by=editor))
    page = reverse("admin:blog_previewlink_change", args=[link.pk])

    assert editor_client.get(page).status_code == 200
    assert editor_client.post(page, {"post": link.post_id, "revoked": ""}).status_code == 403
    link.refresh_from_db()
    assert link.revoked
