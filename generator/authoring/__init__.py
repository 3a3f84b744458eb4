"""Writing content files: new files from templates, incident updates, chat messages."""

#: The chat messages :mod:`generator.authoring.comms` writes; here, so the command line offers them without
#: importing what writes them.
MESSAGE_KINDS = ("declaration", "update", "resolution")
#: The public address ``statusgen init`` proposes (and writes with ``--yes``); here for the same reason.
DEFAULT_URL = "https://status.example.com/"
