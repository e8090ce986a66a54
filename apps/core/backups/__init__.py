"""Backups of the database (and optionally the media files) to the backup storage.

Layout of one backup in the storage (`settings.BACKUP_STORAGE`, a `STORAGES` alias):

    <name>/manifest.json          what was saved: versions, migrations, row counts, SHA-256 of every part
    <name>/database.<ext>.gz      the dump (SQL for MariaDB/MySQL/PostgreSQL, a database file for SQLite)
    <name>/media-<alias>.tar.gz   the files of a media storage (only with --include-media)
    <name>/verification.json      written by verify_backup: when, and whether it passed

Every part is streamed through a local temporary file and never held whole in memory.
"""
