"""Bringing incident history from another status page into ``content/``.

Each source (``statuspage``: a Statuspage page's public ``api/v2/`` documents; ``cstate``: a cState
site) is read into the same plain records (:mod:`generator.importers.records`); one writer
(:mod:`generator.importers.writer`) turns them into content files, validates the whole result as
``statusgen validate`` would, and only then writes every file, so a failure writes nothing.
"""
