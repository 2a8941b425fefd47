"""Read one landing file into canonical, typed rows plus quarantined rows with reasons.

Every value is read as text first and parsed by vectorised Polars expressions, so each
parsing rule of SPEC §2 lives in exactly one expression and a bad value turns into a
reason a person can act on instead of an exception or a silent NULL.
"""

from __future__ import annotations

import codecs
import io
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import fastexcel
import polars as pl

from sources.contracts import Column, SourceContract
from sources.text import fold

FILE = "_file"
ROW = "_row_number"
RAW = "_raw_values"
EXTRA = "_extra"
REASON = "_reason"
_TYPED = "__typed__"  # prefix of typed values while their text is still needed
LOCAL_TZ = "Asia/Ho_Chi_Minh"
SUPPORTED_SUFFIXES = (".csv", ".xlsx", ".json", ".jsonl")

TRUE_WORDS = ("true", "1", "x", "co", "c", "yes", "y", "t")
FALSE_WORDS = ("false", "0", "khong", "k", "no", "n", "f")
_NAIVE_FORMATS = (
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
)
_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")
_EXCEL_EPOCH = pl.datetime(1899, 12, 30)


class ExtractError(ValueError):
    """A whole file cannot be used (unreadable, or a required column is missing)."""


@dataclass(frozen=True)
class ParsedFile:
    """Typed rows that passed every row rule, and the rows that did not, with reasons."""

    path: Path
    rows_read: int
    valid: pl.DataFrame
    quarantined: pl.DataFrame


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


def read_strings(path: Path) -> pl.DataFrame:
    """Read a csv/xlsx/json/jsonl file with every column as text, plus its row number."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            text = decode(path.read_bytes())
            df = pl.read_csv(text.encode(), infer_schema=False, truncate_ragged_lines=True)
            first_row = 2  # line 1 is the header
        elif suffix == ".xlsx":
            # Typed cells rendered as text: dates as ISO, numbers as digits.
            df = fastexcel.read_excel(path).load_sheet(0, dtypes="string").to_polars()
            first_row = 2
        elif suffix in (".json", ".jsonl"):
            text = decode(path.read_bytes())
            if suffix == ".jsonl" or not text.lstrip().startswith("["):
                df = pl.read_ndjson(io.StringIO(text), infer_schema_length=None)
            else:
                df = pl.read_json(io.StringIO(text), infer_schema_length=None)
            df = df.with_columns(pl.col(c).cast(pl.String) for c in df.columns)
            first_row = 1
        else:
            raise ExtractError(f"{path}: unsupported file type {suffix!r}")
    except ExtractError:
        raise
    except Exception as exc:  # the reader's own message names what is wrong
        raise ExtractError(f"{path}: cannot read file ({type(exc).__name__}: {exc})") from exc
    return df.with_row_index(ROW, offset=first_row).with_columns(pl.col(ROW).cast(pl.Int64))


def map_headers(df: pl.DataFrame, contract: SourceContract, path: Path) -> dict[str, str]:
    """Return {file header: canonical name}; fail naming the file and any missing column."""
    by_key = {key: col.name for col in contract.columns for key in col.header_keys()}
    mapping: dict[str, str] = {}
    for header in df.columns:
        if header == ROW:
            continue
        canonical = by_key.get(fold(header))
        if canonical and canonical not in mapping.values():
            mapping[header] = canonical
    missing = [c for c in contract.required if c not in mapping.values()]
    if missing:
        names = ", ".join(f"{c} ({contract.column(c).header})" for c in missing)
        raise ExtractError(f"{path}: required column missing: {names}")
    return mapping


def _blank_to_null(expr: pl.Expr) -> pl.Expr:
    stripped = expr.str.strip_chars()
    return pl.when(stripped == "").then(None).otherwise(stripped)


def _parse_datetime(text: pl.Expr) -> pl.Expr:
    zoned = (
        text.str.replace(r"Z$", "+00:00")
        .str.to_datetime("%Y-%m-%dT%H:%M:%S%.f%z", strict=False, time_zone=LOCAL_TZ)
        .dt.replace_time_zone(None)
    )
    naive = [text.str.to_datetime(f, strict=False, time_unit="us") for f in _NAIVE_FORMATS]
    dates = [text.str.to_date(f, strict=False).cast(pl.Datetime("us")) for f in _DATE_FORMATS]
    serial = pl.when(text.str.contains(r"^\d{5}(\.\d+)?$")).then(
        _EXCEL_EPOCH
        + pl.duration(milliseconds=(text.cast(pl.Float64, strict=False) * 86_400_000).round())
    )
    return pl.coalesce(zoned, *naive, *dates, serial.cast(pl.Datetime("us")))


def _parse_amount(text: pl.Expr) -> pl.Expr:
    compact = text.str.replace_all(r"\s", "")
    grouped = compact.str.contains(r"^-?\d{1,3}([.,]\d{3})+$")
    plain = compact.str.contains(r"^-?\d+([.,]0+)?$")
    return (
        pl.when(grouped)
        .then(compact.str.replace_all(r"[.,]", ""))
        .when(plain)
        .then(compact.str.replace(r"[.,]0+$", ""))
        .cast(pl.Int64, strict=False)
    )


def _label_lookup(col: Column, texts: list[str]) -> dict[str, str | bool | None]:
    """Canonical value of each distinct label text of a batch (enum and yes/no columns).

    Folding (NFD, diacritics, case) runs once per distinct text in Python instead of once
    per row: a batch of a million rows holds a few dozen distinct labels.
    """
    if col.kind == "enum":
        table = col.enum_lookup()
        return {t: table.get(fold(t)) for t in texts}
    return {
        t: True if fold(t) in TRUE_WORDS else False if fold(t) in FALSE_WORDS else None
        for t in texts
    }


def _parse(col: Column, text: pl.Expr, labels: dict[str, str | bool | None]) -> pl.Expr:
    """Typed value of one column; NULL where the text is blank or unreadable."""
    if col.kind == "text":
        return text
    if col.kind == "enum":
        return text.replace_strict(labels, default=None, return_dtype=pl.String)
    if col.kind == "bool":  # x/blank flags: blank means "no"
        mapped = text.replace_strict(labels, default=None, return_dtype=pl.Boolean)
        return pl.when(text.is_null()).then(False).otherwise(mapped)
    if col.kind in ("int", "amount"):  # counts may carry thousands separators too
        return _parse_amount(text)
    parsed = _parse_datetime(text)
    return parsed.dt.date() if col.kind == "date" else parsed


def _reason_for(col: Column, text: pl.Expr, value: pl.Expr) -> pl.Expr:
    what = {
        "enum": "is not one of " + "/".join(col.labels),
        "bool": "is not a yes/no value",
        "int": "is not a whole number",
        "amount": "is not a VND amount",
        "date": "is not a date",
        "datetime": "is not a date/time",
    }.get(col.kind, "")
    unreadable = pl.format(f"{col.name}: '{{}}' {what}", text)
    missing = pl.lit(f"{col.name}: required value is missing")
    rule = pl.when(text.is_not_null() & value.is_null()).then(unreadable)
    if col.required and col.kind != "bool":  # x/blank flags: blank means "no"
        rule = rule.when(text.is_null()).then(missing)
    return rule.otherwise(None)


def read_text(path: Path, contract: SourceContract) -> pl.DataFrame:
    """One file as canonical text columns, with its name, row numbers and raw values.

    Only header mapping happens per file; value parsing runs once over a whole batch of
    files (`parse_rows`), because with many small files the per-call cost dominates.
    """
    df = read_strings(path)
    mapping = map_headers(df, contract, path)
    original = [c for c in df.columns if c != ROW]
    extra = [c for c in original if c not in mapping]
    return df.select(
        pl.lit(str(path)).alias(FILE),
        pl.col(ROW),
        pl.struct(original).struct.json_encode().alias(RAW),
        (pl.struct(extra).struct.json_encode() if extra else pl.lit(None, pl.String)).alias(EXTRA),
        *(pl.col(header).alias(canonical) for header, canonical in mapping.items()),
    )


def parse_rows(text: pl.DataFrame, contract: SourceContract) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Split text rows into (typed valid rows, quarantined rows with raw values + reason)."""
    values, reasons, present = {}, [], []
    for col in contract.columns:
        if col.name in text.columns:
            present.append(col.name)
            raw = _blank_to_null(pl.col(col.name))
            labels = {}
            if col.kind in ("enum", "bool"):
                distinct = text.select(raw.unique()).to_series().drop_nulls().to_list()
                labels = _label_lookup(col, distinct)
            values[col.name] = _parse(col, raw, labels)
            # the reason reads the value computed once in the first pass
            reasons.append(_reason_for(col, raw, pl.col(_TYPED + col.name)))
        else:
            values[col.name] = _parse(col, pl.lit(None, dtype=pl.String), {})
    staged = (
        text.with_columns(v.alias(_TYPED + name) for name, v in values.items())
        .with_columns(
            pl.concat_str(reasons, separator="; ", ignore_nulls=True)
            .replace("", None)
            .alias(REASON)
        )
        .drop(present)
        .rename({_TYPED + name: name for name in values})
    )
    staged = _apply_row_rules(staged, contract)
    canonical = [c.name for c in contract.columns]
    lineage = [c for c in text.columns if c.startswith("_") and c not in (RAW, EXTRA)]
    valid = staged.filter(pl.col(REASON).is_null()).select(*lineage, *canonical, EXTRA)
    bad = staged.filter(pl.col(REASON).is_not_null()).select(*lineage, RAW, REASON)
    return valid, bad


def _show_time(expr: pl.Expr) -> pl.Expr:
    return expr.cast(pl.Datetime("us")).dt.to_string("%d/%m/%Y %H:%M")


def _apply_row_rules(df: pl.DataFrame, contract: SourceContract) -> pl.DataFrame:
    """Rules across columns of one row: date order and non-negative amounts."""
    rules = []
    for earlier, later in contract.date_order:
        rules.append(
            pl.when(pl.col(later) < pl.col(earlier)).then(
                pl.format(
                    f"{later} ({{}}) is before {earlier} ({{}})",
                    _show_time(pl.col(later)),
                    _show_time(pl.col(earlier)),
                )
            )
        )
    for name in contract.non_negative:
        rules.append(
            pl.when(pl.col(name) < 0).then(
                pl.format(f"{name}: negative value {{}}", pl.col(name).cast(pl.String))
            )
        )
    if not rules:
        return df
    return df.with_columns(
        pl.concat_str([pl.col(REASON), *rules], separator="; ", ignore_nulls=True)
        .replace("", None)
        .alias(REASON)
    )


def read_file(path: Path, contract: SourceContract) -> ParsedFile:
    """Read and parse one landing file under its source contract."""
    text = read_text(path, contract)
    valid, bad = parse_rows(text, contract)
    return ParsedFile(path=path, rows_read=text.height, valid=valid, quarantined=bad)
