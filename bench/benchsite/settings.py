"""The product's settings plus a bare view, and the page cache switched by BENCH_PAGE_CACHE."""

import os

from blog_site.settings import *  # noqa: F403
from blog_site.settings import LOGGING

ROOT_URLCONF = "benchsite.urls"
if os.environ.get("BENCH_PAGE_CACHE", "1") == "0":
    BLOG_PAGE_CACHE_TIMEOUT = 0
LOGGING = {**LOGGING, "root": {"handlers": ["console"], "level": "WARNING"}}
