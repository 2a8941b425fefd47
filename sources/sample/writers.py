"""Render canonical sample rows the way real exports arrive: Vietnamese or ASCII headers,
dd/mm/yyyy or ISO dates, "1.234.567" amounts, x/blank or Có/Không flags, enum labels, and
UTF-8 (± BOM), UTF-16 or Windows-1258 CSV, xlsx with typed cells, or JSON lines."""

from __future__ import annotations

import codecs
import json
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

import polars as pl
import xlsxwriter

from cchc.sources.contracts import Column, SourceContract
from cchc.sources.text import fold

STYLES = ("csv_vn_bom", "csv_vn_1258", "csv_ascii_utf16", "xlsx", "jsonl")


@dataclass(frozen=True)
class Broken:
    """A deliberately bad value for one cell (row index within the file, column)."""

    row: int
    column: str
    text: str | None


_SHAPE_MARKS = "\u0302\u0306\u031b"  # circumflex, breve, horn: precomposed in 1258


@cache
def _cp1258_char(ch: str) -> bytes:
    """Windows-1258 keeps base letters (ă, ê, ơ…) precomposed and tone marks combining."""
    try:
        return ch.encode("cp1258")
    except UnicodeEncodeError:
        decomposed = unicodedata.normalize("NFD", ch)
        base, marks = decomposed[0], decomposed[1:]
        shape = "".join(m for m in marks if m in _SHAPE_MARKS)
        tones = "".join(m for m in marks if m not in _SHAPE_MARKS)
        return unicodedata.normalize("NFC", base + shape).encode("cp1258") + tones.encode("cp1258")


def encode_cp1258(text: str) -> bytes:
    return b"".join(_cp1258_char(ch) for ch in text)


def _label(col: Column, value: str) -> str:
    return col.labels[value][0] if value in col.labels else value


def _vn_text(col: Column, value: Any, flag_style: str) -> str:
    """One cell as a Vietnamese CSV export shows it."""
    if value is None:
        return ""
    if col.kind == "datetime":
        return (
            value.strftime("%d/%m/%Y %H:%M:%S")
            if value.second
            else value.strftime("%d/%m/%Y %H:%M")
        )
    if col.kind == "date":
        return value.strftime("%d/%m/%Y")
    if col.kind == "amount":
        return f"{value:,}".replace(",", ".")
    if col.kind == "bool":
        return ("x" if value else "") if flag_style == "x" else ("Có" if value else "Không")
    if col.kind == "enum":
        return _label(col, value)
    return str(value)


def _iso_value(col: Column, value: Any) -> Any:
    if value is None:
        return None
    if col.kind == "datetime":
        return value.isoformat() + "+07:00"
    if col.kind == "date":
        return value.isoformat()
    return value


def write_extract(
    path: Path,
    contract: SourceContract,
    rows: pl.DataFrame,
    style: str,
    broken: Sequence[Broken] = (),
    flag_style: str = "x",
) -> Path:
    """Write `rows` (canonical columns) to `path` (suffix set from the style)."""
    cols = [c for c in contract.columns if c.name in rows.columns]
    overrides = {(b.row, b.column): b.text for b in broken}
    records = rows.select([c.name for c in cols]).rows()
    suffix = ".xlsx" if style == "xlsx" else ".jsonl" if style == "jsonl" else ".csv"
    path = path.with_suffix(suffix)
    path.parent.mkdir(parents=True, exist_ok=True)
    if style == "xlsx":
        _write_xlsx(path, cols, records, overrides, flag_style)
    elif style == "jsonl":
        with path.open("w", encoding="utf-8") as fh:
            for i, rec in enumerate(records):
                obj = {c.name: _iso_value(c, v) for c, v in zip(cols, rec, strict=True)}
                for c in cols:
                    if (i, c.name) in overrides:
                        obj[c.name] = overrides[(i, c.name)]
                fh.write(json.dumps(obj, ensure_ascii=False) + "\n")
    else:
        ascii_headers = style == "csv_ascii_utf16"
        header = [fold(c.header).upper() if ascii_headers else c.header for c in cols]
        lines = [header]
        for i, rec in enumerate(records):
            cells = [_vn_text(c, v, flag_style) for c, v in zip(cols, rec, strict=True)]
            for j, c in enumerate(cols):
                if (i, c.name) in overrides:
                    cells[j] = overrides[(i, c.name)] or ""
            lines.append(cells)
        text = "\r\n".join(",".join(_csv_cell(x) for x in line) for line in lines) + "\r\n"
        if style == "csv_vn_bom":
            data = codecs.BOM_UTF8 + text.encode("utf-8")
        elif style == "csv_vn_1258":
            data = encode_cp1258(text)
        else:
            data = text.encode("utf-16")  # Python writes the BOM
        path.write_bytes(data)
    return path


def _csv_cell(text: str) -> str:
    if any(ch in text for ch in ',"\n\r'):
        return '"' + text.replace('"', '""') + '"'
    return text


def _write_xlsx(
    path: Path,
    cols: list[Column],
    records: list[tuple],
    overrides: dict[tuple[int, str], str | None],
    flag_style: str,
) -> None:
    book = xlsxwriter.Workbook(str(path))
    book.set_properties({"created": datetime(2025, 1, 1)})  # same bytes for the same seed
    sheet = book.add_worksheet("Du lieu")
    fmt_dt = book.add_format({"num_format": "dd/mm/yyyy hh:mm"})
    fmt_d = book.add_format({"num_format": "dd/mm/yyyy"})
    for j, c in enumerate(cols):
        sheet.write_string(0, j, c.header)
    for i, rec in enumerate(records):
        for j, (c, v) in enumerate(zip(cols, rec, strict=True)):
            r = i + 1
            if (i, c.name) in overrides:
                text = overrides[(i, c.name)]
                if text is not None:
                    sheet.write_string(r, j, text)
            elif v is None:
                continue
            elif c.kind == "datetime" and isinstance(v, datetime):
                sheet.write_datetime(r, j, v, fmt_dt)
            elif c.kind == "date" and isinstance(v, date):
                sheet.write_datetime(r, j, datetime(v.year, v.month, v.day), fmt_d)
            elif c.kind in ("amount", "int"):
                sheet.write_number(r, j, v)
            else:
                sheet.write_string(r, j, _vn_text(c, v, flag_style))
    book.close()
