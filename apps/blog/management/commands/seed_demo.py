"""`python manage.py seed_demo`: demo sections, bilingual posts, tags and projects. Safe to rerun."""

from django.core.management.base import BaseCommand, CommandError

from apps.blog.demo import seed_bulk_posts, seed_demo


class Command(BaseCommand):
    help = "Create demo content (idempotent). --bulk N also adds N benchmark posts."

    def add_arguments(self, parser):
        parser.add_argument("--bulk", type=int, default=0, help="Make sure N bench-post-* posts exist.")

    def handle(self, *args, bulk: int, **options) -> None:
        if bulk < 0:
            raise CommandError("--bulk must be zero or more.")
        created = seed_demo()
        self.stdout.write(f"Demo content: {created['posts']} posts and {created['projects']} projects created.")
        if bulk:
            self.stdout.write(f"Benchmark posts: {seed_bulk_posts(bulk)} created.")
