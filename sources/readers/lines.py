"""Line-by-line readers for the files the fast Polars readers refuse or misread.

A stray quote, a row with one field too many or too few, or one broken JSON line would
otherwise cost the whole file (or silently drop a value). Here each physical line is read
on its own, so the bad one becomes a quarantined row with its line number and every good
line around it still loads. Reasons never quote the line: it may hold personal data.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass

#: A quoted field may span lines (an address with a line break); a quote still open after
#: this many lines is a stray quote, not a field.
MAX_RECORD_LINES = 20


@dataclass(frozen=True)
class Lines:
    """Rows read (line number, values by header) and malformed lines (line number, reason)."""

    header: list[str]
    rows: list[tuple[int, list[str]]]
    malformed: list[tuple[int, str]]


def _one_record(text: str) -> list[str] | None:
    """The fields of `text` if it is exactly one well-quoted CSV record, else None."""
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error:
        return None
    return records[0] if len(records) == 1 else None


def csv_lines(text: str) -> Lines:
    """Read CSV text record by record; see module doc. Blank lines (`,,,`) are not rows."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    header = _one_record(lines[0]) if lines and lines[0] else None
    if header is None:
        raise ValueError("line 1: the header is not a readable CSV line")
    width = len(header)
    rows: list[tuple[int, list[str]]] = []
    malformed: list[tuple[int, str]] = []
    i = 1
    while i < len(lines):
        start, buffer = i, lines[i]
        i += 1
        fields = _one_record(buffer) if buffer else [""]
        while fields is None and i < len(lines) and i - start < MAX_RECORD_LINES:
            buffer += "\n" + lines[i]
            i += 1
            fields = _one_record(buffer)
        line_no = start + 1
        if fields is None or (i - start > 1 and len(fields) != width):
            malformed.append((line_no, f"line {line_no}: unbalanced quote"))
            i = start + 1  # the quote was stray: read the next line on its own
            continue
        if all(not f.strip() for f in fields):
            continue
        if len(fields) != width:
            malformed.append(
                (line_no, f"line {line_no}: {len(fields)} fields where the header has {width}")
            )
            continue
        rows.append((line_no, fields))
    return Lines(header, rows, malformed)


def json_lines(text: str) -> tuple[list[tuple[int, dict]], list[tuple[int, str]]]:
    """Read JSON lines one by one: (line number, object) rows and malformed lines."""
    rows: list[tuple[int, dict]] = []
    malformed: list[tuple[int, str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            malformed.append((number, f"line {number}: not valid JSON (column {exc.colno})"))
            continue
        if not isinstance(value, dict):
            malformed.append((number, f"line {number}: not a JSON object"))
            continue
        rows.append((number, value))
    return rows, malformed
