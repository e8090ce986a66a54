# The body's words in the search normal form, per language (apps/blog/search.py), filled for the
# posts that exist; on PostgreSQL a GIN index over their `simple` tsvector.
# Depends on 0005: at merge, payments' blog 0006 comes first and this one follows it.

from django.db import migrations, models

LANGUAGES = ("en", "zh_hans")
# The same expression the search builds (SearchVector(column, config="simple")), so the index serves it.
PG_INDEX = (
    "CREATE INDEX IF NOT EXISTS blog_post_search_{lang}_gin ON blog_post "
    "USING gin (to_tsvector('simple'::regconfig, COALESCE(search_text_{lang}, '')))"
)


def fill(apps, schema_editor):
    from apps.blog.search import search_text  # a pure function of the stored HTML

    Post = apps.get_model("blog", "Post")
    for post in Post.objects.only("pk", *(f"body_html_{lang}" for lang in LANGUAGES)).iterator(chunk_size=200):
        values = {f"search_text_{lang}": search_text(getattr(post, f"body_html_{lang}") or "") for lang in LANGUAGES}
        Post.objects.filter(pk=post.pk).update(**values)


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for lang in LANGUAGES:
            schema_editor.execute(PG_INDEX.format(lang=lang))


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for lang in LANGUAGES:
            schema_editor.execute(f"DROP INDEX IF EXISTS blog_post_search_{lang}_gin")


class Migration(migrations.Migration):
    dependencies = [
        ("blog", "0005_ai_translation_drafts_and_key_points"),
    ]

    operations = [
        migrations.AddField(
            model_name="post",
            name="search_text_en",
            field=models.TextField(blank=True, default="", editable=False, verbose_name="search text (English)"),
        ),
        migrations.AddField(
            model_name="post",
            name="search_text_zh_hans",
            field=models.TextField(blank=True, default="", editable=False, verbose_name="search text (Chinese)"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(create_indexes, drop_indexes),
    ]
