class BackupError(Exception):
    """A backup or a restore refused or failed; the message is one line, for the operator."""
