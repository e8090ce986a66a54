"""Translation drafts: per field and language, missing → machine_draft → reviewed, stale when the source
changes; readers only ever see reviewed text (unless AI_SHOW_MACHINE_DRAFTS says otherwise)."""

import json
import re

import pytest
from django.core.exceptions import ValidationError

from apps.blog import selectors, services, tasks
from apps.blog.errors import AssistantUnavailable
from apps.blog.models import AIJob, PostRevision, TranslationDraft

from .factories import PostFactory, SectionFactory, TagFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def post():
    """A live Chinese post with no English yet."""
    return PostFactory(
        source_language="zh-hans",
        title_zh_hans="向量数据库入门",
        summary_zh_hans="",
        body_zh_hans="## 原理\n\n向量数据库很快。\n",
        title_en="",
        summary_en="",
        body_en="",
        seo_description_zh_hans="",
        tags=[],
    )


def _translate(post, editor, capture, **kwargs) -> AIJob:
    with capture(execute=True):
        job = services.translation_request(post=post, by=editor, **kwargs)
    job.refresh_from_db()
    assert job.status == "done", job.error
    return job


def _states(post, language="en") -> dict[str, str]:
    post.refresh_from_db()
    return {s.field: s.state for s in selectors.translation_states(post=post, language=language)}


def _draft(post, field) -> TranslationDraft:
    return TranslationDraft.objects.get(post=post, field=field, language="en")


def test_fields_start_missing_and_a_translation_makes_machine_drafts(
    qwen, post, editor, django_capture_on_commit_callbacks
):
    assert _states(post) == {"title": "missing", "body": "missing"}
    _translate(post, editor, django_capture_on_commit_callbacks)
    assert _states(post) == {"title": "machine_draft", "body": "machine_draft"}
    post.refresh_from_db()
    assert (post.title_en, post.body_en) == ("", "")  # the reader fields are untouched


def test_machine_drafts_are_shown_to_no_reader_anywhere(
    qwen, post, editor, client, api_client, django_capture_on_commit_callbacks
):
    _translate(post, editor, django_capture_on_commit_callbacks)
    draft_title = _draft(post, "title").text
    assert draft_title
    pages = {
        "page": client.get(f"/en/posts/{post.slug}/"),
        "api": api_client.get(f"/api/v1/posts/{post.slug}/", {"lang": "en"}),
        "api list": api_client.get("/api/v1/posts/", {"lang": "en"}),
        "feed": client.get("/en/feed/rss.xml"),
        "atom": client.get("/en/feed/atom.xml"),
        "search": client.get("/en/search/", {"q": draft_title.split()[0]}),
        "api search": api_client.get("/api/v1/posts/", {"lang": "en", "search": draft_title.split()[0]}),
        "sitemap": client.get("/sitemap-posts-en.xml"),
    }
    for name, response in pages.items():
        assert response.status_code == 200, name
        assert draft_title not in response.content.decode(), name
    assert "has not been translated yet" in pages["page"].content.decode()  # the fallback banner


def test_accepting_a_draft_publishes_it_with_a_revision(qwen, post, editor, client, django_capture_on_commit_callbacks):
    _translate(post, editor, django_capture_on_commit_callbacks)
    services.translation_draft_accept(draft=_draft(post, "title"), by=editor, text="Vector databases, gently")
    services.translation_draft_accept(draft=_draft(post, "body"), by=editor)
    post.refresh_from_db()
    assert post.title_en == "Vector databases, gently"
    assert "<h2" in post.body_html_en  # rendered like any edit
    assert _states(post) == {"title": "reviewed", "body": "reviewed"}
    assert PostRevision.objects.filter(post=post, note=PostRevision.Note.TRANSLATION_ACCEPTED).count() == 2
    page = client.get(f"/en/posts/{post.slug}/").content.decode()
    assert "Vector databases, gently" in page
    assert "has not been translated yet" not in page


def test_editing_the_source_turns_its_translation_stale_and_only_that_is_regenerated(
    qwen, post, editor, django_capture_on_commit_callbacks
):
    _translate(post, editor, django_capture_on_commit_callbacks)
    services.translation_drafts_accept_pending(post=post, by=editor)
    post.refresh_from_db()
    published_body = post.body_en
    services.post_update(post=post, by=editor, data={"body_zh_hans": "## 原理\n\n向量数据库非常快。\n"})
    assert _states(post) == {"title": "reviewed", "body": "stale"}
    assert selectors.translation_summary(post=post)["en"]["stale"] == 1
    sent_before = len(qwen.requests)
    _translate(post, editor, django_capture_on_commit_callbacks, only_stale=True)
    sent = "\n".join(r["body"]["input"]["messages"][1]["content"] for r in qwen.requests[sent_before:])
    assert "非常快" in sent
    assert "向量数据库入门" not in sent  # the title was current: not sent again
    assert _states(post) == {"title": "reviewed", "body": "machine_draft"}
    post.refresh_from_db()
    assert post.body_en == published_body  # readers keep the accepted text until the new one is accepted


def test_a_translation_an_editor_writes_by_hand_turns_stale_too(post, editor):
    services.post_update(post=post, by=editor, data={"title_en": "Vector databases"})
    assert _states(post)["title"] == "reviewed"
    services.post_update(post=post, by=editor, data={"title_zh_hans": "向量数据库进阶"})
    assert _states(post)["title"] == "stale"
    # Both changed in one save: the translation matches the new source.
    services.post_update(post=post, by=editor, data={"title_zh_hans": "向量数据库", "title_en": "Vector DBs"})
    assert _states(post)["title"] == "reviewed"


def test_rejecting_a_draft_keeps_what_readers_see(qwen, post, editor, django_capture_on_commit_callbacks):
    services.post_update(post=post, by=editor, data={"title_en": "Hand-made title"})
    _translate(post, editor, django_capture_on_commit_callbacks, fields=["title"])
    assert _states(post)["title"] == "machine_draft"
    services.translation_draft_reject(draft=_draft(post, "title"), by=editor)
    post.refresh_from_db()
    assert post.title_en == "Hand-made title"
    assert _states(post)["title"] == "reviewed"
    with pytest.raises(ValidationError):
        services.translation_draft_reject(draft=_draft(post, "title"), by=editor)  # nothing pending any more
    with pytest.raises(ValidationError):
        services.translation_draft_accept(draft=_draft(post, "title"), by=editor)  # rejected: translate again


def test_accepting_every_draft_makes_one_revision(qwen, post, editor, django_capture_on_commit_callbacks):
    _translate(post, editor, django_capture_on_commit_callbacks)
    before = PostRevision.objects.filter(post=post).count()
    accepted = services.translation_drafts_accept_pending(post=post, by=editor)
    assert {d.field for d in accepted} == {"title", "body"}
    assert PostRevision.objects.filter(post=post).count() == before + 1


def test_an_edited_draft_is_checked_like_the_field_and_nothing_is_half_written(
    qwen, post, editor, django_capture_on_commit_callbacks
):
    _translate(post, editor, django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError) as caught:
        services.translation_drafts_accept(
            drafts=[_draft(post, "body"), _draft(post, "title")],
            by=editor,
            texts={_draft(post, "title").pk: "x" * 201},
        )
    assert "text" in caught.value.message_dict
    post.refresh_from_db()
    assert post.body_en == ""  # the body was not accepted either
    assert _states(post) == {"title": "machine_draft", "body": "machine_draft"}
    with pytest.raises(ValidationError):
        services.translation_draft_accept(draft=_draft(post, "title"), by=editor, text="   ")


def test_section_and_tag_names_are_translated_and_published_on_review(qwen, editor, django_capture_on_commit_callbacks):
    section = SectionFactory(name_en="", name_zh_hans="数据库")
    tag = TagFactory(name_en="", name_zh_hans="搜索")
    named = TagFactory(name_en="Python", name_zh_hans="Python")
    post = PostFactory(
        source_language="zh-hans", title_en="", body_en="", summary_en="", section=section, tags=[tag, named]
    )
    _translate(post, editor, django_capture_on_commit_callbacks)
    names = {(s.target, s.target_id): s for s in selectors.translation_name_states(post=post, language="en")}
    assert names[("tag", tag.pk)].state == "machine_draft"
    assert names[("section", section.pk)].state == "machine_draft"
    assert names[("tag", named.pk)].state == "reviewed"
    tag.refresh_from_db()
    assert tag.name_en in ("", None)  # not public before review
    services.translation_drafts_accept_pending(post=post, by=editor)
    tag.refresh_from_db()
    section.refresh_from_db()
    assert (tag.name_en, section.name_en) == ("Sou suo", "Shu ju ku")


def test_with_AI_SHOW_MACHINE_DRAFTS_the_page_shows_drafts_with_a_notice_and_noindex(
    qwen, post, editor, client, api_client, settings, django_capture_on_commit_callbacks
):
    settings.AI_SHOW_MACHINE_DRAFTS = True
    _translate(post, editor, django_capture_on_commit_callbacks)
    draft_title = _draft(post, "title").text
    page = client.get(f"/en/posts/{post.slug}/").content.decode()
    assert draft_title in page
    assert "This translation was made automatically and has not been reviewed yet." in page
    assert re.search(r'<meta name="robots" content="[^"]*noindex', page)
    # Only the page: the API and the feeds keep to reviewed text.
    assert draft_title not in api_client.get(f"/api/v1/posts/{post.slug}/", {"lang": "en"}).content.decode()
    assert draft_title not in client.get("/en/feed/rss.xml").content.decode()


def test_translating_into_the_source_language_or_an_unknown_field_is_refused(qwen, post, editor):
    with pytest.raises(ValidationError) as caught:
        services.translation_request(post=post, by=editor, language="zh-hans")
    assert "language" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.translation_request(post=post, by=editor, language="fr")
    with pytest.raises(ValidationError) as caught:
        services.translation_request(post=post, by=editor, fields=["title", "password"])
    assert "fields" in caught.value.message_dict
    assert not AIJob.objects.exists()


def test_without_a_key_translation_is_unavailable_and_says_why(no_ai_key, post, editor):
    with pytest.raises(AssistantUnavailable, match="QWEN_API_KEY"):
        services.translation_request(post=post, by=editor)
    assert not AIJob.objects.exists()


def test_asking_again_while_a_translation_waits_returns_the_same_job_and_queues_once(
    qwen, post, editor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as queued:
        first = services.translation_request(post=post, by=editor)
        again = services.translation_request(post=post, by=editor, only_stale=True)
    assert again.pk == first.pk
    assert len(queued) == 1


def test_the_task_is_idempotent_and_survives_a_worker_that_died_mid_job(qwen, post, editor):
    job, _created = services.aijob_request(post=post, kind=AIJob.Kind.TRANSLATE, language="en", by=editor)
    AIJob.objects.filter(pk=job.pk).update(status=AIJob.Status.RUNNING, attempts=1)  # its worker was killed
    tasks.aijob_run_task(job.pk)  # redelivered (acks_late): claimed again and finished
    job.refresh_from_db()
    assert (job.status, job.attempts) == ("done", 2)
    requests = len(qwen.requests)
    tasks.aijob_run_task(job.pk)  # delivered once more: a finished job is left alone
    assert len(qwen.requests) == requests
    assert tasks.aijob_run_task.acks_late
    assert tasks.aijob_run_task.reject_on_worker_lost


def test_a_job_of_a_kind_nobody_runs_fails_visibly(post):
    job, _created = services.aijob_request(post=post, kind="narrate", language="en")
    services.AIJOB_RUNNERS.pop("narrate", None)
    services.aijob_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "failed"
    assert job.error


def test_publishing_queues_a_translation_when_AI_TRANSLATE_ON_PUBLISH_is_on(
    qwen, editor, settings, django_capture_on_commit_callbacks
):
    settings.AI_TRANSLATE_ON_PUBLISH = True
    draft = PostFactory(draft=True, source_language="zh-hans", title_en="", body_en="", summary_en="")
    with django_capture_on_commit_callbacks(execute=True):
        services.post_publish(post=draft, by=editor)
    job = AIJob.objects.get(post=draft)
    assert (job.kind, job.language, job.status) == ("translate", "en", "done")
    draft.refresh_from_db()
    assert draft.title_en == ""  # drafted, not published
    settings.AI_TRANSLATE_ON_PUBLISH = False
    other = PostFactory(draft=True, source_language="zh-hans", title_en="")
    with django_capture_on_commit_callbacks(execute=True):
        services.post_publish(post=other, by=editor)
    assert not AIJob.objects.filter(post=other).exists()


def test_the_translations_selector_reads_drafts_in_one_query(post, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        states = selectors.translation_states(post=post)
    assert json.dumps([s.state for s in states])
