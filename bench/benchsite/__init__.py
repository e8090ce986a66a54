"""Settings and URLs used only by `bench/blog_bench.py` (never by the product)."""
