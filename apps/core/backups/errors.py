class BackupError(Exception):
    """A backup operation failed; the message is one line an operator can act on."""
