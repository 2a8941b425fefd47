"""File formats to rows of strings (header, values as written, line numbers)."""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass
from pathlib import Path

import fastexcel
import polars as pl

from cchc.sources.readers.columns import ROW
from cchc.sources.readers.decode import decode, utf8_nfc
from cchc.sources.readers.errors import ExtractError, short
from cchc.sources.readers.lines import csv_lines, json_lines


@dataclass(frozen=True)
class Strings:
    """A file's rows as text (with their line numbers) and its malformed lines."""

    rows: pl.DataFrame
    malformed: list[tuple[int, str]]
    #: False when no row can be blank, so the file skips the blank-row filter.
    may_have_blank_rows: bool = True


def _frame(header: list[str], rows: list[tuple[int, list[str]]]) -> pl.DataFrame:
    columns = {h: [r[i] for _, r in rows] for i, h in enumerate(header)}
    return pl.DataFrame(columns, schema=dict.fromkeys(header, pl.String)).with_columns(
        pl.Series(ROW, [n for n, _ in rows], dtype=pl.Int64)
    )


def _csv_by_line(raw: bytes) -> Strings:
    lines = csv_lines(decode(raw))
    duplicated = sorted({h for h in lines.header if lines.header.count(h) > 1})
    if duplicated:
        raise ExtractError(f"duplicate column {duplicated[0]!r} in the header")
    return Strings(_frame(lines.header, lines.rows), lines.malformed)


def _csv(raw: bytes) -> Strings:
    """Polars reads the file; where it refuses (stray quote, extra field, not UTF-8),
    repeats a header, or a row may be short (a NULL in the last column), the line reader
    decides row by row."""
    data = utf8_nfc(raw)
    try:
        df = pl.read_csv(data, infer_schema=False)
    except pl.exceptions.NoDataError as exc:
        raise ExtractError("the file is empty (no header line)") from exc
    except pl.exceptions.ComputeError:
        return _csv_by_line(raw)
    if any("_duplicated_" in c for c in df.columns):
        return _csv_by_line(raw)  # names the duplicated column
    if df.width and df[df.columns[-1]].null_count():
        return _csv_by_line(raw)
    return Strings(_numbered(df, 2), [], _may_have_blank_lines(data))


#: A line without an ASCII letter or digit. Every line of a blank record (whitespace,
#: commas and quotes; non-ASCII spaces are bytes ≥ 0x80 in UTF-8) is one; a line of real
#: values almost never is.
_NO_ALNUM_LINE = re.compile(rb"\n[^0-9A-Za-z\n]*\n")


def _may_have_blank_lines(utf8: bytes) -> bool:
    """Whether a data line of this CSV could be a blank row (a superset: when in doubt,
    yes). One regex over the bytes costs less than the filter it spares."""
    _, newline, data = utf8.rstrip(b"\r\n").partition(b"\n")
    # between newlines: a pattern that starts with a literal is searched for that literal
    return bool(newline) and _NO_ALNUM_LINE.search(b"\n" + data + b"\n") is not None


def _numbered(df: pl.DataFrame, first: int) -> pl.DataFrame:
    return df.with_row_index(ROW, offset=first).with_columns(pl.col(ROW).cast(pl.Int64))


def _json_text(value: object) -> str | None:
    """A JSON value as the text Polars' own reader would give it."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _json_rows(rows: list[tuple[int, dict]]) -> pl.DataFrame:
    if not rows:
        return pl.DataFrame(schema={ROW: pl.Int64})
    texts = [{k: _json_text(v) for k, v in r.items()} for _, r in rows]
    frame = pl.DataFrame(texts, infer_schema_length=None)
    return frame.with_columns(pl.Series(ROW, [n for n, _ in rows], dtype=pl.Int64))


def _by_json_line(raw: bytes) -> Strings:
    rows, malformed = json_lines(decode(raw))
    return Strings(_json_rows(rows), malformed)


def _ndjson(raw: bytes) -> Strings:
    data = utf8_nfc(raw)
    if b"\n\n" in data.strip() or b"\r\n\r\n" in data.strip():
        return _by_json_line(raw)  # blank lines inside: numbering needs the line reader
    try:
        df = pl.read_ndjson(io.BytesIO(data), infer_schema_length=None)
    except Exception:  # one bad line must not cost the file
        return _by_json_line(raw)
    return Strings(_numbered(df, 1), [])


def _json(raw: bytes) -> Strings:
    text = decode(raw)
    if not text.lstrip().startswith("["):  # JSON lines saved as .json
        return _ndjson(raw)
    try:
        records = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ExtractError(f"not valid JSON (line {exc.lineno}, column {exc.colno})") from None
    if not all(isinstance(r, dict) for r in records):
        raise ExtractError("a JSON array of objects was expected")
    return Strings(_json_rows(list(enumerate(records, start=1))), [])


def _xlsx(path: Path) -> Strings:
    # Typed cells rendered as text: dates as ISO, numbers as digits.
    df = fastexcel.read_excel(path).load_sheet(0, dtypes="string").to_polars()
    headers = [str(h) for h in df.columns]
    for name in headers:  # fastexcel renames a repeated header "X" to "X_1"
        base, _, n = name.rpartition("_")
        if n.isdigit() and base in headers:
            raise ExtractError(f"duplicate column {base!r} in the header")
    return Strings(_numbered(df, 2), [])


def _drop_blank_rows(df: pl.DataFrame) -> pl.DataFrame:
    """Rows with no value at all (Excel's trailing `,,,,` lines) are not rows.

    A row is blank when its values joined hold only whitespace: one string expression per
    file rather than one per column (4× less time, most of it spent per call)."""
    data = [c for c in df.columns if c != ROW]
    if not data or df.is_empty():
        return df
    joined = pl.concat_str([pl.col(c).cast(pl.String) for c in data], ignore_nulls=True)
    return df.filter(joined.str.strip_chars() != "")


def read_strings(path: Path) -> Strings:
    """Read a csv/xlsx/json/jsonl file with every column as text, plus its line number.

    Structural problems of single lines come back as malformed lines; only a file that
    cannot be read at all raises, with a short message that never quotes its content.
    """
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            strings = _csv(path.read_bytes())
        elif suffix == ".xlsx":
            strings = _xlsx(path)
        elif suffix in (".json", ".jsonl"):
            strings = (_ndjson if suffix == ".jsonl" else _json)(path.read_bytes())
            df = strings.rows
            strings = Strings(
                df.with_columns(pl.col(c).cast(pl.String) for c in df.columns if c != ROW),
                strings.malformed,
            )
        else:
            raise ExtractError(f"unsupported file type {suffix!r}")
    except ExtractError as exc:
        raise ExtractError(short(f"{path}: {exc}")) from None
    except Exception as exc:  # never the reader's message: it may quote the file's content
        raise ExtractError(
            short(f"{path}: cannot read file ({type(exc).__name__}; not a valid {suffix} file?)")
        ) from None
    if not strings.may_have_blank_rows:
        return strings
    return Strings(_drop_blank_rows(strings.rows), strings.malformed)
