"""Stage 4, write: generated files into the output folder, and the built site into place.

files.py writes one file safely; folder.py owns the output folder (its
manifest of what the tool wrote, what stands in the way); site.py builds the
site beside site_dir and swaps it in whole.
"""

from __future__ import annotations

from .files import (
    OutputError,
    UnsafePathError,
    WriteResult,
    check_file_target,
    describe,
    lock_folder,
    safe_join,
    write_file,
    write_if_changed,
)
from .folder import MANIFEST, OutputFolder, folder_in_docs, output_root, owned_in_docs
from .site import check_site_dir, make_staging, staged_site, swap_in, write_site_folder

__all__ = [
    "MANIFEST",
    "OutputError",
    "OutputFolder",
    "UnsafePathError",
    "WriteResult",
    "check_file_target",
    "check_site_dir",
    "describe",
    "folder_in_docs",
    "lock_folder",
    "make_staging",
    "output_root",
    "owned_in_docs",
    "safe_join",
    "staged_site",
    "swap_in",
    "write_file",
    "write_if_changed",
    "write_site_folder",
]
