"""Decode a listing's bytes into text, once, at the edge: every reader takes text.

UTF-8 with or without a byte-order mark; UTF-16 and UTF-32 with one. Line
ends become LF first, so warnings name the lines the readers count. Bytes
that are not text are replaced and warned about by line; a file that is
mostly not text is refused whole.
"""

from __future__ import annotations

from .common import ListingError

# Past this share of replaced characters a file is taken to be binary.
_MAX_REPLACEMENT_SHARE = 0.1
# Lines with bad bytes warned about one by one; the rest in one warning.
_MAX_LINE_WARNINGS = 10
_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
_UTF8_BOM = b"\xef\xbb\xbf"
_RE_SAVE = "Save the listing as UTF-8 text"


def decode_listing(data: bytes, name: str) -> tuple[str, list[str]]:
    """Decode a listing's bytes as UTF-8 (or UTF-16/32 with a byte-order mark), warning about each line with bad bytes."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return _decode_wide(data[len(bom) :], codec, name)
    while data.startswith(_UTF8_BOM):
        data = data[len(_UTF8_BOM) :]
    head = data[:4096]
    if b"\x00" in head:
        if _looks_like_utf16(head):
            raise ListingError(
                f"Could not read listing '{name}': it looks like UTF-16 text without a byte-order "
                f"mark (every other byte is NUL). {_RE_SAVE} (in an editor's 'Save as', or with "
                "`iconv -f UTF-16LE -t UTF-8`)."
            )
        raise ListingError(
            f"Could not read listing '{name}': it holds NUL bytes, so it is not a text file. {_RE_SAVE}."
        )
    # Line ends first, so the line numbers of warnings are the readers' line numbers.
    # A CR byte never occurs inside a UTF-8 sequence.
    data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    text = data.decode("utf-8", errors="replace")
    warnings: list[str] = []
    nuls = text.count("\x00")
    if "\ufffd" in text or nuls:
        replaced = text.count("\ufffd") - data.decode("utf-8", errors="ignore").count("\ufffd") + nuls
        if replaced > max(16, len(text) * _MAX_REPLACEMENT_SHARE):
            raise ListingError(
                f"Could not read listing '{name}': {replaced} bytes are not UTF-8, "
                f"so it is mostly not text. {_RE_SAVE}."
            )
        bad: list[tuple[int, str]] = []
        for number, raw in enumerate(data.split(b"\n"), start=1):
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError:
                bad.append((number, "bytes that are not UTF-8"))
            else:
                if b"\x00" in raw:
                    bad.append((number, "NUL bytes, which are not text,"))
        warnings = [
            f"Listing '{name}' line {number}: {what} were replaced "
            "with '\ufffd'. Re-save the file as UTF-8 to keep those characters."
            for number, what in bad[:_MAX_LINE_WARNINGS]
        ]
        if len(bad) > _MAX_LINE_WARNINGS:
            warnings.append(
                f"Listing '{name}': {len(bad) - _MAX_LINE_WARNINGS} more lines have bytes that are not "
                "UTF-8 text, replaced with '\ufffd'. Re-save the file as UTF-8 to keep those characters."
            )
        text = text.replace("\x00", "\ufffd")
    return text, warnings


def _decode_wide(data: bytes, codec: str, name: str) -> tuple[str, list[str]]:
    """Decode UTF-16 or UTF-32 text (its byte-order mark removed), warning once about bad bytes."""
    text = data.decode(codec, errors="replace")
    warnings = []
    try:
        data.decode(codec)
    except UnicodeDecodeError:
        warnings.append(
            f"Listing '{name}': some bytes are not valid {codec[:6].upper()} and were replaced with "
            f"'\ufffd'. {_RE_SAVE} to keep those characters."
        )
    text = text.lstrip("\ufeff").replace("\x00", "\ufffd")
    return text.replace("\r\n", "\n").replace("\r", "\n"), warnings


def _looks_like_utf16(head: bytes) -> bool:
    """Tell UTF-16 text without a byte-order mark: NUL in nearly every other byte, and only there."""
    even, odd = head[0::2].count(0), head[1::2].count(0)
    most, least = max(even, odd), min(even, odd)
    return most >= len(head) // 4 and least <= most // 20
