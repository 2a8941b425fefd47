"""What a quarantined row held, as read, keyed by the file's own headers."""

from __future__ import annotations

import polars as pl

from cchc.sources.readers.columns import EXTRA, FILE, RAW, ROW


def with_raw_values(
    bad: pl.DataFrame, text: pl.DataFrame, headers: dict[str, dict[str, str]]
) -> pl.DataFrame:
    """Add each quarantined row's values as read, keyed by the file's own headers.

    Built only for the few quarantined rows: encoding every row read as JSON cost as much
    as parsing it. `headers` maps each file to its {canonical name: header}.
    """
    keys = bad.select(FILE, ROW)
    raw_rows = text.join(keys, on=[FILE, ROW], how="semi")
    parts = [pl.DataFrame(schema={FILE: pl.String, ROW: pl.Int64, RAW: pl.String})]
    for (file,), rows in raw_rows.partition_by(FILE, as_dict=True).items():
        names = {c: h for c, h in headers[str(file)].items() if c in rows.columns}
        known = pl.struct(pl.col(c).alias(h) for c, h in names.items()).struct.json_encode()
        merged = (
            pl.when(pl.col(EXTRA).is_null())
            .then(known)
            .otherwise(pl.concat_str(known.str.head(-1), pl.lit(","), pl.col(EXTRA).str.tail(-1)))
        )
        parts.append(rows.select(FILE, ROW, merged.alias(RAW)))
    return bad.join(pl.concat(parts), on=[FILE, ROW], how="left")
