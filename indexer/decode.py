"""Bytes to text: BOMs, UTF-8, declared charset, Windows-1252/Latin-1; binary detection."""

from __future__ import annotations

import codecs
import re

from indexer.document import Skip

_SNIFF = 8192
# Control characters other than tab, newlines and form feed: text files almost never hold them.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_META_CHARSET = re.compile(
    rb"""<meta[^>]{0,200}?charset\s*=\s*["']?([A-Za-z0-9_.:-]{1,40})""", re.I
)
_NEWLINES = re.compile(r"\r\n?|[\u2028\u2029\x85]")
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def _declared_charset(data: bytes) -> str | None:
    """The charset an HTML page declares in its head, if Python knows it."""
    match = _META_CHARSET.search(data[:4096])
    if not match:
        return None
    try:
        return codecs.lookup(match.group(1).decode("ascii")).name
    except (LookupError, UnicodeDecodeError):
        return None


def _decode(data: bytes) -> str:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, errors="replace")
    # NUL bytes without a BOM: a binary file (UTF-16 without BOM is too rare to guess at).
    if b"\x00" in data[:_SNIFF]:
        raise Skip("binary file")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # Mostly valid UTF-8 with a few broken bytes (a truncated or spliced file) stays UTF-8.
    lenient = data.decode("utf-8", errors="replace")
    broken = lenient.count("\ufffd")
    if broken * 20 < len(lenient) - len(lenient.encode("ascii", "ignore")) - broken:
        return lenient
    declared = _declared_charset(data)
    if declared and declared not in ("utf-8", "ascii"):
        try:
            return data.decode(declared)
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        # cp1252 leaves five bytes undefined; Latin-1 maps every byte.
        return data.decode("latin-1")


def decode(data: bytes) -> str:
    """Decode a file's bytes to text with `\\n` line ends; raise Skip if it is empty or binary."""
    if not data.strip():
        raise Skip("empty file")
    text = _decode(data)
    sample = text[:_SNIFF]
    if len(_CONTROL.findall(sample)) > 0.02 * len(sample) + 1:
        raise Skip("binary file")
    text = _NEWLINES.sub("\n", text)
    if not text.strip():
        raise Skip("empty file")
    return text
