"""Writing content files: new files from templates, incident updates, chat messages."""
