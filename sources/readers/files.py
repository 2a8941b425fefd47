"""One file through every stage: the unit the loader batches and the tests read."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

from cchc.sources.contracts import SourceContract, looks_personal
from cchc.sources.readers.columns import EXTRA, FILE, REASON, ROW
from cchc.sources.readers.formats import read_strings
from cchc.sources.readers.headers import map_headers
from cchc.sources.readers.raw_values import with_raw_values
from cchc.sources.readers.rows import parse_rows

MALFORMED_SCHEMA = {FILE: pl.String, ROW: pl.Int64, REASON: pl.String}
#: Most files have no malformed line: one shared empty frame, not one built per file.
NO_MALFORMED = pl.DataFrame(schema=MALFORMED_SCHEMA)


@dataclass(frozen=True)
class ParsedFile:
    """Typed rows that passed every row rule, and the rows that did not, with reasons."""

    path: Path
    rows_read: int
    valid: pl.DataFrame
    quarantined: pl.DataFrame


@dataclass(frozen=True)
class TextFile:
    """One file's rows as canonical text columns, the file's own header of each, and its
    malformed lines (FILE, ROW, REASON): rows that could not even be split into fields."""

    rows: pl.DataFrame
    headers: dict[str, str]  # canonical name -> header as written in the file
    malformed: pl.DataFrame


def read_text(path: Path, contract: SourceContract) -> TextFile:
    """One file as canonical text columns, with its name, row numbers and unknown columns.

    Only header mapping happens per file; value parsing runs once over a whole batch of
    files (`parse_rows`), because with many small files the per-call cost dominates.
    Unknown columns that look personal (names, ID numbers, phones, addresses) are dropped:
    they must not reach `_extra` or quarantine in clear.
    """
    strings = read_strings(path)
    df = strings.rows
    mapping = map_headers(df, contract, path)
    extra = [c for c in df.columns if c != ROW and c not in mapping and not looks_personal(str(c))]
    rows = df.select(
        pl.lit(str(path)).alias(FILE),
        pl.col(ROW),
        (pl.struct(extra).struct.json_encode() if extra else pl.lit(None, pl.String)).alias(EXTRA),
        *(pl.col(header).alias(canonical) for header, canonical in mapping.items()),
    )
    malformed = (
        pl.DataFrame(
            {
                FILE: [str(path)] * len(strings.malformed),
                ROW: [n for n, _ in strings.malformed],
                REASON: [r for _, r in strings.malformed],
            },
            schema=MALFORMED_SCHEMA,
        )
        if strings.malformed
        else NO_MALFORMED
    )
    return TextFile(rows, {canonical: header for header, canonical in mapping.items()}, malformed)


def read_file(path: Path, contract: SourceContract) -> ParsedFile:
    """Read and parse one landing file under its source contract."""
    text = read_text(path, contract)
    valid, bad = parse_rows(text.rows, contract)
    bad = with_raw_values(bad, text.rows, {str(path): text.headers})
    bad = pl.concat([bad, text.malformed], how="diagonal_relaxed")
    rows_read = text.rows.height + text.malformed.height
    return ParsedFile(path=path, rows_read=rows_read, valid=valid, quarantined=bad)
