"""Load (source, day) deliveries into `raw.<source>`: parse, apply row rules, resolve codes,
pseudonymise, then replace each day atomically. Rows read = loaded + quarantined, per file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime

import duckdb
import polars as pl

from cchc.orchestration.changes import loaded_fingerprints
from cchc.orchestration.read_ahead import LandingReader, delivery_bytes
from cchc.orchestration.warehouse import PSEUDONYM_COLUMN, ensure_schema, raw_columns
from cchc.sources.contracts import SourceContract
from cchc.sources.landing import Delivery
from cchc.sources.readers.columns import EXTRACT_DAY, FILE, RAW, REASON, ROW
from cchc.sources.readers.errors import ExtractError
from cchc.sources.readers.personal import pseudonymise, without_personal
from cchc.sources.readers.raw_values import with_raw_values
from cchc.sources.readers.rows import flag_duplicates, parse_rows, unknown_codes

DAY = EXTRACT_DAY
#: Landing bytes parsed per batch (about 1 M dossier rows): bounds memory on long backfills.
CHUNK_BYTES = 256 * 1024 * 1024


@dataclass(frozen=True)
class RowRules:
    """What the row rules need beyond the contract: the pseudonym key and the date floor."""

    pii_key: bytes
    date_floor: date | None = None


@dataclass
class LoadSummary:
    days_loaded: list[str] = field(default_factory=list)
    days_unchanged: list[str] = field(default_factory=list)
    files: int = 0
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    errors: list[str] = field(default_factory=list)


def _known_codes(con: duckdb.DuckDBPyConnection, contract: SourceContract) -> dict[str, pl.Series]:
    """The agency and procedure codes loaded so far, for the rows that cite them."""
    tables = {"agencies": "agency_code", "procedures": "procedure_code"}
    needed = {"agencies": contract.agency_refs, "procedures": contract.procedure_refs}
    out = {}
    for table, column in tables.items():
        if needed[table]:
            rows = con.execute(f"select distinct {column} from raw.{table}").fetchall()
            out[table] = pl.Series(column, [r[0] for r in rows], dtype=pl.String)
    return out


def load_deliveries(
    con: duckdb.DuckDBPyConnection,
    contract: SourceContract,
    batch: list[Delivery],
    rules: RowRules,
    progress: Callable[[LoadSummary, int], None] | None = None,
    reader: LandingReader | None = None,
) -> LoadSummary:
    """Load the deliveries whose fingerprint differs from what was loaded; see module doc.

    `progress(summary so far, days to load)` is called between batches of a long load;
    `reader` is the run's, which may have read the files ahead (else one of its own)."""
    ensure_schema(con)
    summary = LoadSummary()
    loaded = loaded_fingerprints(con)
    todo = []
    for delivery in batch:
        if loaded.get(f"{contract.name}/{delivery.day}") == delivery.fingerprint:
            summary.days_unchanged.append(delivery.day)
        else:
            todo.append(delivery)
    chunks = list(_chunks(todo))
    files = reader if reader is not None else LandingReader()
    try:
        for i, chunk in enumerate(chunks):
            _load_chunk(con, contract, chunk, rules, summary, files)
            if progress and i < len(chunks) - 1:
                progress(summary, len(todo))
    finally:
        if files is not reader:  # the run's reader is closed with the run
            files.close()
    return summary


def _chunks(todo: list[Delivery]) -> Iterator[list[Delivery]]:
    """Consecutive runs of days of about CHUNK_BYTES of files: memory stays bounded however
    long the backfill, and each run of days is still parsed as one batch."""
    chunk: list[Delivery] = []
    size = 0
    for delivery in todo:
        chunk.append(delivery)
        size += delivery_bytes(delivery)
        if size >= CHUNK_BYTES:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


def _load_chunk(
    con: duckdb.DuckDBPyConnection,
    contract: SourceContract,
    todo: list[Delivery],
    rules: RowRules,
    summary: LoadSummary,
    reader: LandingReader,
) -> None:
    texts: list[pl.DataFrame] = []
    broken: list[pl.DataFrame] = []
    headers, good_days = {}, []
    reads = [reader.read(contract, d) for d in todo]
    for delivery, read in zip(todo, reads, strict=True):
        try:
            day_files = read.result()
        except ExtractError as exc:  # this day fails; loaded data for it stays untouched
            summary.errors.append(str(exc))
            continue
        good_days.append(delivery)
        texts += [f.rows for f in day_files]
        broken += [f.malformed for f in day_files]
        headers.update({str(p): f.headers for p, f in zip(delivery.files, day_files, strict=True)})
    if not good_days:
        return
    files = pl.DataFrame(
        {
            DAY: [d.day for d in good_days for _ in d.files],
            FILE: [str(p) for d in good_days for p in d.files],
        }
    ).with_columns(pl.col(DAY).str.to_date())
    text = pl.concat(texts, how="diagonal_relaxed").with_columns(_per_row(files[DAY], texts))
    malformed = pl.concat(broken).with_columns(_per_row(files[DAY], broken))
    valid, bad = parse_rows(text, contract, rules.date_floor)
    valid = flag_duplicates(unknown_codes(valid, contract, _known_codes(con, contract)), contract)
    bad = pl.concat(
        [bad, valid.filter(pl.col(REASON).is_not_null()).select(FILE, ROW, DAY, REASON)],
        how="diagonal_relaxed",
    )
    valid = valid.filter(pl.col(REASON).is_null())
    bad = with_raw_values(bad, without_personal(text, bad, contract, rules.pii_key), headers)
    bad = pl.concat([bad, malformed], how="diagonal_relaxed")
    if contract.personal:
        valid = valid.with_columns(
            pseudonymise(valid[contract.personal[0]], rules.pii_key).alias(PSEUDONYM_COLUMN)
        )
    lines = pl.concat([text.select(DAY, FILE), malformed.select(DAY, FILE)])
    read_per_file = files.join(
        lines.group_by(DAY, FILE).agg(pl.len().alias("rows_read")), on=[DAY, FILE], how="left"
    ).fill_null(0)
    _write(con, contract, good_days, read_per_file, valid, bad, summary)


def _per_row(per_file: pl.Series, frames: list[pl.DataFrame]) -> pl.Series:
    """`per_file` (a value for each file's frame in `frames`, in order) for every row of
    those frames, made once for the batch: a column added file by file costs more than the
    rest of the file."""
    heights = pl.Series("rows", [frame.height for frame in frames], dtype=pl.UInt32)
    repeated = per_file.to_frame().with_columns(heights).filter(pl.col("rows") > 0)
    return repeated.select(pl.col(per_file.name).repeat_by("rows").explode()).to_series()


def _write(
    con: duckdb.DuckDBPyConnection,
    contract: SourceContract,
    days: list[Delivery],
    read: pl.DataFrame,
    valid: pl.DataFrame,
    bad: pl.DataFrame,
    summary: LoadSummary,
) -> None:
    """Replace the given days in one transaction: raw rows, quarantine, log, fingerprints."""
    now = datetime.now()
    names = [name for name, _ in raw_columns(contract)]
    rows = valid.with_columns(pl.lit(now).alias("_loaded_at")).select(
        [c for c in names if c in valid.columns or c == "_loaded_at"]
    )
    quarantine = bad.select(
        pl.lit(contract.name).alias("source"),
        pl.col(DAY).alias("extract_date"),
        pl.col(FILE).alias("file"),
        pl.col(ROW).alias("row_number"),
        pl.col(RAW).alias("raw_values"),
        pl.col(REASON).alias("reason"),
        pl.lit(now).alias("loaded_at"),
    )
    # every file of the days gets a row, a header-only file too: read = loaded + quarantined
    ok = valid.group_by(DAY, FILE).agg(pl.len().alias("rows_loaded"))
    nok = bad.group_by(DAY, FILE).agg(pl.len().alias("rows_quarantined"))
    log = (
        read.join(ok, on=[DAY, FILE], how="left")
        .join(nok, on=[DAY, FILE], how="left")
        .fill_null(0)
        .select(
            pl.lit(contract.name).alias("source"),
            pl.col(DAY).alias("extract_date"),
            pl.col(FILE).alias("file"),
            "rows_read",
            "rows_loaded",
            "rows_quarantined",
            pl.lit(now).alias("loaded_at"),
        )
    )
    deliveries = pl.DataFrame(
        {
            "source": [contract.name] * len(days),
            "extract_date": [d.day for d in days],
            "fingerprint": [d.fingerprint for d in days],
            "files": [len(d.files) for d in days],
        }
    ).with_columns(pl.col("extract_date").str.to_date(), pl.lit(now).alias("loaded_at"))
    day_list = deliveries.select("extract_date")
    con.execute("begin transaction")
    try:
        con.register("day_list", day_list)
        con.execute(
            f"delete from raw.{contract.name} where _extract_date in "
            "(select extract_date from day_list)"
        )
        for table in ("quarantine", "ingestion_log", "deliveries"):
            con.execute(
                f"delete from audit.{table} where source = ? and extract_date in "
                "(select extract_date from day_list)",
                [contract.name],
            )
        con.register("batch_rows", rows)
        con.execute(f"insert into raw.{contract.name} by name select * from batch_rows")
        for table, frame in (
            ("quarantine", quarantine),
            ("ingestion_log", log),
            ("deliveries", deliveries),
        ):
            con.register("batch_audit", frame)
            con.execute(f"insert into audit.{table} by name select * from batch_audit")
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    finally:
        for view in ("day_list", "batch_rows", "batch_audit"):
            con.unregister(view)
    summary.days_loaded += [d.day for d in days]
    summary.files += sum(len(d.files) for d in days)
    summary.rows_read += int(read["rows_read"].sum())
    summary.rows_loaded += valid.height
    summary.rows_quarantined += bad.height
