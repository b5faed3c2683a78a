"""Stage 1, read: find the listing files, decode them, tell their format and read them into records.

``load_sources`` reads the files digest.yml names; ``read_file`` decodes one
and reads it with its format's reader (see ``formats``), turning every
failure into a rejection or a warning that names the file.
"""

from __future__ import annotations

from .common import ListingError, ListingResult
from .decode import decode_listing
from .files import SourceError, SourceFile, load_sources, source_folder
from .formats import FORMATS, detect_format, read_file, read_listing

__all__ = [
    "FORMATS",
    "ListingError",
    "ListingResult",
    "SourceError",
    "SourceFile",
    "decode_listing",
    "detect_format",
    "load_sources",
    "read_file",
    "read_listing",
    "source_folder",
]
