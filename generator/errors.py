"""The errors the library raises for the user to fix; the CLI and the plugin turn them into messages.

Each stage raises its own subclass of DigestError beside its code
(ConfigError in config.py, SourceError in sources/files.py, OutputError in
output/files.py, ScaffoldError in curator/scaffold.py); the ones several
modules raise are here.
"""

from __future__ import annotations


class DigestError(Exception):
    """Something the user can fix stops the build; the message says what, where and what to do."""


class TemplateError(DigestError):
    """A template (the curator's copy, or a bundled one) cannot be loaded or rendered."""


class CommandError(DigestError):
    """A command cannot do what it was asked: a missing mkdocs.yml, an unknown topic, the problems `digest check` found."""


class MkDocsError(DigestError):
    """MkDocs could not load, build or serve the site; the message says why and what was left as it was."""
