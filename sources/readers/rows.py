"""Row rules: everything that quarantines a whole row, in one place — unreadable values
(from `values`), date order, plausible dates, bounds, non-negative amounts, unknown
agency/procedure codes and duplicates within a day."""

from __future__ import annotations

from datetime import date

import polars as pl

from cchc.sources.contracts import SourceContract
from cchc.sources.readers.columns import EXTRA, EXTRACT_DAY, FILE, RAW, REASON, ROW
from cchc.sources.readers.values import blank_to_null, reason_for, typed

_TYPED = "__typed__"  # prefix of typed values while their text is still needed


def parse_rows(
    text: pl.DataFrame, contract: SourceContract, date_floor: date | None = None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Split text rows into (typed valid rows, quarantined rows with their reason).

    Dates before `date_floor` (placeholders like 1900-01-01) and, when the rows carry
    their extract date, dates too far after it are quarantined as implausible.
    """
    present = [col.name for col in contract.columns if col.name in text.columns]
    absent = [col.name for col in contract.columns if col.name not in present]
    # an absent optional column reads as all blank (NULL; False for flags)
    text = text.with_columns(
        *(blank_to_null(pl.col(name)).alias(name) for name in present),
        *(pl.lit(None, pl.String).alias(name) for name in absent),
    )
    values = {col.name: typed(col, text) for col in contract.columns}
    # each reason reads the typed value computed once, in the first pass
    reasons = [
        reason_for(col, pl.col(col.name), pl.col(_TYPED + col.name))
        for col in contract.columns
        if col.name in present
    ]
    reasons = [reason for reason in reasons if reason is not None]
    staged = (
        text.with_columns(v.alias(_TYPED + name) for name, v in values.items())
        .with_columns(
            pl.concat_str(reasons, separator="; ", ignore_nulls=True)
            .replace("", None)
            .alias(REASON)
        )
        .drop(list(values))
        .rename({_TYPED + name: name for name in values})
    )
    staged = _apply_row_rules(staged, contract, date_floor)
    canonical = [c.name for c in contract.columns]
    lineage = [c for c in text.columns if c.startswith("_") and c not in (RAW, EXTRA)]
    valid = staged.filter(pl.col(REASON).is_null()).select(*lineage, *canonical, EXTRA)
    bad = staged.filter(pl.col(REASON).is_not_null()).select(*lineage, REASON)
    return valid, bad


def _show_time(expr: pl.Expr) -> pl.Expr:
    return expr.cast(pl.Datetime("us")).dt.to_string("%d/%m/%Y %H:%M")


def _plausible_dates(
    df: pl.DataFrame, contract: SourceContract, date_floor: date | None
) -> list[pl.Expr]:
    """A date before the floor, or after the row's extract date by more than its column
    allows, is a typo or a placeholder: it would publish a month 1900 or a year 2099."""
    rules: list[pl.Expr] = []
    for col in contract.columns:
        if col.kind not in ("date", "datetime") or col.name not in df.columns:
            continue
        day = pl.col(col.name).cast(pl.Date)
        shown = _show_time(pl.col(col.name))
        if date_floor is not None:
            rules.append(
                pl.when(day < date_floor).then(
                    pl.format(
                        f"{col.name}: '{{}}' is before {date_floor:%d/%m/%Y} (CCHC_DATE_FLOOR)",
                        shown,
                    )
                )
            )
        if col.days_ahead is not None and EXTRACT_DAY in df.columns:
            rules.append(
                pl.when(day > pl.col(EXTRACT_DAY) + pl.duration(days=col.days_ahead)).then(
                    pl.format(
                        f"{col.name}: '{{}}' is more than {col.days_ahead} day(s) after the "
                        "extract date {}",
                        shown,
                        pl.col(EXTRACT_DAY).dt.to_string("%d/%m/%Y"),
                    )
                )
            )
    return rules


def _apply_row_rules(
    df: pl.DataFrame, contract: SourceContract, date_floor: date | None = None
) -> pl.DataFrame:
    """Rules across columns of one row: date order, plausible dates, bounds, non-negative
    amounts."""
    rules = _plausible_dates(df, contract, date_floor)
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
    for name, bound in contract.at_most:
        rules.append(
            pl.when(pl.col(name) > pl.col(bound)).then(
                pl.format(
                    f"{name} ({{}}) is more than {bound} ({{}})",
                    pl.col(name).cast(pl.String),
                    pl.col(bound).cast(pl.String),
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


def unknown_codes(
    rows: pl.DataFrame, contract: SourceContract, known: dict[str, pl.Series]
) -> pl.DataFrame:
    """Reason for rows whose agency/procedure code is not in the reference data loaded
    (`known`: the codes of `agencies` and `procedures`, as loaded)."""
    checks = [(c, "agencies", "agency") for c in contract.agency_refs]
    checks += [(c, "procedures", "procedure") for c in contract.procedure_refs]
    reasons = []
    for column, table, what in checks:
        reasons.append(
            pl.when(
                pl.col(column).is_not_null() & ~pl.col(column).is_in(known[table].implode())
            ).then(pl.format(f"{column}: unknown {what} code '{{}}'", pl.col(column)))
        )
    if not reasons:
        return rows.with_columns(pl.lit(None, pl.String).alias(REASON))
    return rows.with_columns(
        pl.concat_str(reasons, separator="; ", ignore_nulls=True).replace("", None).alias(REASON)
    )


def flag_duplicates(rows: pl.DataFrame, contract: SourceContract) -> pl.DataFrame:
    """A second row with the same id and version in one day is quarantined; the first stays.

    `rows` are in (day, file, row) order, as read, so "first" is the first occurrence.
    """
    identity = [EXTRACT_DAY, *contract.key]
    if contract.version_column:
        identity.append(contract.version_column)
    repeated = ~pl.struct(identity).is_first_distinct()
    if not rows.select(repeated.any()).item():
        return rows
    firsts = (
        rows.filter(pl.struct(identity).is_duplicated())
        .group_by(identity, maintain_order=True)
        .agg(pl.col(FILE).first().alias("_first_file"), pl.col(ROW).first().alias("_first_row"))
    )
    duplicate = pl.format(
        "{}: duplicate of row {} in {} (same {})",
        pl.lit(contract.key[0]),
        pl.col("_first_row"),
        pl.col("_first_file"),
        pl.lit(contract.version_column or "key"),
    )
    return (
        rows.with_columns(repeated.alias("_repeated"))
        .join(firsts, on=identity, how="left", maintain_order="left", nulls_equal=True)
        .with_columns(
            pl.when(pl.col("_repeated"))
            .then(pl.concat_str([pl.col(REASON), duplicate], separator="; ", ignore_nulls=True))
            .otherwise(pl.col(REASON))
            .alias(REASON)
        )
        .drop("_repeated", "_first_file", "_first_row")
    )
