"""The media library API (DRF): assets under /api/v1/media/."""
