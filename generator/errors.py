"""The errors the library raises for the user to fix; the CLI and the plugin turn them into messages."""

from __future__ import annotations


class DigestError(Exception):
    """Something the user can fix stops the build; the message says what, where and what to do."""


class TemplateError(DigestError):
    """A template (the curator's copy, or a bundled one) cannot be loaded or rendered."""
