"""The HTML renderer behind its seam: MkDocs and Material (the only code that imports them)."""
