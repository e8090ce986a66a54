"""Signals the media library sends to higher apps (they connect receivers in their AppConfig.ready()).

asset_processed(sender=Asset, asset=Asset): renditions of `asset` are ready (or it was marked
not processed); pages showing it may drop cached HTML.
"""

from django.dispatch import Signal

asset_processed = Signal()
