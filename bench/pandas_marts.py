"""The pandas baseline: what an analyst would otherwise write for the dossier indicators.

    python bench/pandas_marts.py <landing> <out.parquet>

Reads the Vietnamese CSV exports of dossiers and procedures file by file, keeps the latest
version of each dossier, and counts per month × agency × procedure level the receipt- and
completion-based figures of `fct_dossier_monthly`. It does less than the pipeline (no other
sources, no agency roll-up, no quarantine, no checks), so the pandas ÷ pipeline ratio
flatters pandas.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from cchc.sources.contracts import CONTRACTS


def read_source(landing: Path, source: str) -> pd.DataFrame:
    contract = CONTRACTS[source]
    names = {c.header: c.name for c in contract.columns}
    frames = [
        pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        for path in sorted(landing.glob(f"{source}/*/*.csv"))
    ]
    df = pd.concat(frames, ignore_index=True).rename(columns=names)
    for col in contract.columns:
        if col.name not in df:
            continue
        text = df[col.name].str.strip().replace("", None)
        if col.kind == "datetime":
            df[col.name] = pd.to_datetime(text, format="%d/%m/%Y %H:%M:%S", errors="coerce")
            df[col.name] = df[col.name].fillna(
                pd.to_datetime(text, format="%d/%m/%Y %H:%M", errors="coerce")
            )
        elif col.kind in ("int", "amount"):
            df[col.name] = pd.to_numeric(text.str.replace(".", "", regex=False), errors="coerce")
        elif col.kind == "bool":
            df[col.name] = text.isin(["x", "Có"])
        elif col.kind == "enum":
            labels = {label: value for value, ls in col.labels.items() for label in (value, *ls)}
            df[col.name] = text.map(labels)
        else:
            df[col.name] = text
    return df


def dossier_monthly(landing: Path) -> pd.DataFrame:
    dossiers = read_source(landing, "dossiers").dropna(subset=["dossier_id", "received_at"])
    procedures = read_source(landing, "procedures")
    dossiers = dossiers.sort_values("updated_at").drop_duplicates("dossier_id", keep="last")
    procedures = procedures.sort_values("updated_at").drop_duplicates("procedure_code", keep="last")
    df = dossiers.merge(
        procedures[["procedure_code", "level", "online_level"]], on="procedure_code", how="left"
    )
    df = df[~df["status"].isin(["withdrawn", "cancelled"])].copy()
    df["eligible"] = df["online_level"].isin(["full", "partial"])
    df["online"] = df["eligible"] & (df["channel"] == "online")
    df["on_time"] = df["completed_at"].notna() & (df["completed_at"] <= df["due_at"])
    df["received_month"] = df["received_at"].dt.to_period("M")
    df["completed_month"] = df["completed_at"].dt.to_period("M")
    keys = ["agency_code", "level"]
    received = df.groupby(["received_month", *keys]).agg(
        received_count=("dossier_id", "size"),
        online_eligible_count=("eligible", "sum"),
        online_count=("online", "sum"),
        digitized_count=("is_digitized", "sum"),
    )
    done = df[df["completed_at"].notna()]
    completed = done.groupby(["completed_month", *keys]).agg(
        completed_count=("dossier_id", "size"), on_time_count=("on_time", "sum")
    )
    received.index.names = completed.index.names = ["month", *keys]
    out = received.join(completed, how="outer").fillna(0).reset_index()
    out["online_rate"] = out["online_count"] / out["online_eligible_count"].where(
        out["online_eligible_count"] > 0
    )
    out["on_time_rate"] = out["on_time_count"] / out["completed_count"].where(
        out["completed_count"] > 0
    )
    out["month"] = out["month"].dt.to_timestamp()
    return out


if __name__ == "__main__":
    dossier_monthly(Path(sys.argv[1])).to_parquet(sys.argv[2])
