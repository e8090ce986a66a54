"""Reader URLs, mounted under the language prefix (/en/, /zh-hans/)."""

from django.urls import path

from . import feeds, views

app_name = "blog"
urlpatterns = [
    path("", views.home, name="home"),
    path("posts/<slug:slug>/", views.post_detail, name="post"),
    path("preview/<str:token>/", views.preview, name="preview"),
    path("sections/<slug:slug>/", views.section_detail, name="section"),
    path("tags/<slug:slug>/", views.tag_detail, name="tag"),
    path("archive/", views.archive, name="archive"),
    path("archive/<int:year>/", views.archive, name="archive-year"),
    path("archive/<int:year>/<int:month>/", views.archive, name="archive-month"),
    path("search/", views.search, name="search"),
    path("projects/", views.project_list, name="projects"),
    path("projects/<slug:slug>/", views.project_detail, name="project"),
    path("about/", views.about, name="about"),
    # Feeds, per language: the whole site, a section, a tag; RSS 2.0 and Atom.
    path("feed/rss.xml", feeds.cached(feeds.SiteRssFeed()), name="feed-rss"),
    path("feed/atom.xml", feeds.cached(feeds.SiteAtomFeed()), name="feed-atom"),
    path("sections/<slug:slug>/rss.xml", feeds.cached(feeds.SectionRssFeed()), name="section-feed-rss"),
    path("sections/<slug:slug>/atom.xml", feeds.cached(feeds.SectionAtomFeed()), name="section-feed-atom"),
    path("tags/<slug:slug>/rss.xml", feeds.cached(feeds.TagRssFeed()), name="tag-feed-rss"),
    path("tags/<slug:slug>/atom.xml", feeds.cached(feeds.TagAtomFeed()), name="tag-feed-atom"),
    # Narrated public posts as a podcast (iTunes tags), per language.
    path("feed/podcast.xml", feeds.cached(feeds.PodcastFeed()), name="feed-podcast"),
]
