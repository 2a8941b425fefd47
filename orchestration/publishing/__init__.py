"""Publishing, in one place: the snapshot BI tools read (`snapshot`: DuckDB + Parquet, kept
versions, one atomic switch, rollback), the scorecard report and its Excel workbook
(`report`, `workbook`) written into it, and the optional PostgreSQL copy (`postgres`).
The gate that decides whether a run may publish is `cchc.quality.gate`."""
