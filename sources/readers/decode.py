"""Bytes to text: the encodings the province's systems export, normalised to NFC."""

from __future__ import annotations

import codecs
import unicodedata

_NFC_SUSPECT_BYTES = (b"\xcc", b"\xcd", b"\xd2", b"\xde", b"\xec", b"\xf2")


def decode(raw: bytes) -> str:
    """Decode UTF-8 (± BOM), UTF-16 (BOM) or Windows-1258, returning NFC text.

    Windows-1258 writes tone marks as combining characters, so NFC is what makes
    "Hưng Yên" from that file equal the same name from a UTF-8 file.
    """
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = raw.decode("utf-16")
    elif raw.startswith(codecs.BOM_UTF8):
        text = raw[len(codecs.BOM_UTF8) :].decode("utf-8")
    else:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("cp1258")
    return unicodedata.normalize("NFC", text)


def utf8_nfc(raw: bytes) -> bytes:
    """The file as NFC UTF-8 bytes, paying for a Python decode only when it can matter.

    Combining marks (U+0300–U+036F) start with byte 0xCC or 0xCD in UTF-8, and 0xCC/0xD2/
    0xDE/0xEC/0xF2 are the Windows-1258 tone marks: a UTF-8 file without those bytes is
    already NFC. Invalid UTF-8 (Windows-1258 without tone marks) still fails in the
    reader, which then falls back to `decode`.
    """
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8) :]
    elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return decode(raw).encode()
    if any(mark in raw for mark in _NFC_SUSPECT_BYTES):
        return decode(raw).encode()
    return raw
