# Each post's paragraphs as plain text, per language (apps/blog/search.py `prose_text`): what search
# snippets quote, so the results page no longer parses every result's HTML. Filled for the posts
# that exist; `Post.save` keeps them after.

from django.db import migrations, models

LANGUAGES = ("en", "zh_hans")


def fill(apps, schema_editor):
    from apps.blog.search import prose_text  # a pure function of the stored HTML

    Post = apps.get_model("blog", "Post")
    for post in Post.objects.only("pk", *(f"body_html_{lang}" for lang in LANGUAGES)).iterator(chunk_size=200):
        values = {f"prose_{lang}": prose_text(getattr(post, f"body_html_{lang}") or "") for lang in LANGUAGES}
        Post.objects.filter(pk=post.pk).update(**values)


class Migration(migrations.Migration):
    dependencies = [
        ("blog", "0009_tag_description"),
    ]

    operations = [
        migrations.AddField(
            model_name="post",
            name="prose_en",
            field=models.TextField(blank=True, default="", editable=False, verbose_name="prose (English)"),
        ),
        migrations.AddField(
            model_name="post",
            name="prose_zh_hans",
            field=models.TextField(blank=True, default="", editable=False, verbose_name="prose (Chinese)"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
