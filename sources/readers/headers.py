"""A file's own headers (Vietnamese, with or without accents, any case) to the contract's
column names."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from cchc.sources.contracts import SourceContract
from cchc.sources.readers.columns import ROW
from cchc.sources.readers.errors import ExtractError, short
from cchc.sources.text import fold


def map_headers(df: pl.DataFrame, contract: SourceContract, path: Path) -> dict[str, str]:
    """Return {file header: canonical name}; fail naming the file and any missing column,
    or two headers that mean the same column (which one holds the value is unknowable)."""
    by_key = contract.header_lookup
    mapping: dict[str, str] = {}
    for header in df.columns:
        if header == ROW:
            continue
        canonical = by_key.get(fold(header))
        if canonical and canonical in mapping.values():
            first = next(h for h, c in mapping.items() if c == canonical)
            raise ExtractError(
                short(f"{path}: columns {first!r} and {header!r} both mean {canonical}")
            )
        if canonical:
            mapping[header] = canonical
    missing = [c for c in contract.required if c not in mapping.values()]
    if missing:
        names = ", ".join(f"{c} ({contract.column(c).header})" for c in missing)
        raise ExtractError(short(f"{path}: required column missing: {names}"))
    return mapping
