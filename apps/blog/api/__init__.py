"""The blog's content API (DRF): posts, sections, tags and projects under /api/v1/."""
