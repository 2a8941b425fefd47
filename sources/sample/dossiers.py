"""Dossier (hồ sơ TTHC) sample rows: weekday seasonality, the Tết dip, improving online and
on-time rates, and two versions per dossier (received, then completed on a later day)."""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl

from cchc.sources.sample.names import names
from cchc.sources.sample.reference import Agency, Procedure

TET = (date(2024, 2, 10), date(2025, 1, 29), date(2026, 2, 17), date(2027, 2, 6), date(2028, 1, 26))


#: Days over which the sample's trends (more online, fewer late dossiers) run their course.
TREND_DAYS = 730
#: A blank for `np.where` (an object array: numpy's types do not take a bare `None`).
NONE = np.array(None, dtype=object)


def trend(day: date, start: date) -> float:
    """0 on the first day, 1 after TREND_DAYS (capped, so a long sample stays plausible)."""
    return min((day - start).days / TREND_DAYS, 1.5)


def daily_volume(day: date, per_day: int, trend: float) -> float:
    """Expected dossiers on `day`: weekdays full, Saturday light, Sunday near zero, Tết dip."""
    weekday = (1.0, 1.05, 1.0, 1.0, 0.95, 0.25, 0.04)[day.weekday()]
    tet = 0.15 if any(-5 <= (day - t).days <= 7 for t in TET) else 1.0
    return per_day * weekday * tet * (0.9 + 0.2 * trend) * 7 / 5.29


def generate_month(
    rng: np.random.Generator,
    days: list[date],
    start: date,
    per_day: int,
    agencies: list[Agency],
    procedures: list[Procedure],
) -> pl.DataFrame:
    """All dossier versions for dossiers received on `days`, with their extract day (the
    caller keeps the extract days it writes)."""
    counts = [rng.poisson(daily_volume(d, per_day, trend(d, start))) for d in days]
    n = int(sum(counts))
    if n == 0:
        return pl.DataFrame()
    day_idx = np.repeat(np.arange(len(days)), counts)
    seq = np.concatenate([np.arange(c) for c in counts])
    recv_day = np.array([days[i] for i in day_idx], dtype="datetime64[D]")
    drift = np.array([trend(d, start) for d in days])[day_idx]

    weights = 1.0 / np.arange(1, len(procedures) + 1) ** 0.9
    proc_i = rng.choice(len(procedures), size=n, p=weights / weights.sum())
    p_level = np.array([p.level for p in procedures])[proc_i]
    p_online = np.array([p.online_level for p in procedures])[proc_i]
    p_days = np.array([p.processing_days for p in procedures])[proc_i]
    p_fee = np.array([p.fee for p in procedures])[proc_i]
    p_business = np.array([p.is_business for p in procedures])[proc_i]

    agency = np.empty(n, dtype=object)
    for i, d in enumerate(days):
        mask = day_idx == i
        if not mask.any():
            continue
        prov = [a.code for a in agencies if a.level == "province" and a.active_on(d)]
        local = [a.code for a in agencies if a.level != "province" and a.active_on(d)]
        is_prov = mask & (p_level == "province")
        is_local = mask & (p_level != "province")
        agency[is_prov] = rng.choice(prov, size=int(is_prov.sum()))
        agency[is_local] = rng.choice(local, size=int(is_local.sum()))

    p_web = np.where(
        p_online == "full",
        0.55 + 0.3 * drift,
        np.where(p_online == "partial", 0.35 + 0.25 * drift, 0.0),
    )
    online = rng.random(n) < p_web
    channel = np.where(online, "online", np.where(rng.random(n) < 0.08, "postal", "in_person"))

    recv_s = rng.integers(7 * 3600 + 1800, 17 * 3600, size=n)
    received = recv_day.astype("datetime64[s]") + recv_s.astype("timedelta64[s]")
    due = (recv_day + p_days.astype("timedelta64[D]")).astype("datetime64[s]") + np.timedelta64(
        17 * 3600, "s"
    )
    span_s = (due - received).astype(int)
    late_p = np.where(p_level == "province", 0.025, 0.05) * (1.2 - 0.7 * drift)
    late = rng.random(n) < late_p
    on_time_s = (rng.beta(2, 2, size=n) * span_s).astype(int)
    late_s = span_s + rng.integers(3600, 10 * 86400, size=n)
    completed = received + np.where(late, late_s, on_time_s).astype("timedelta64[s]")

    fate = rng.random(n)
    status = np.where(
        fate < 0.015,
        "withdrawn",
        np.where(fate < 0.023, "cancelled", np.where(fate < 0.033, "returned", "completed")),
    )
    final_at = np.where(
        status == "completed",
        completed,
        received + rng.integers(3600, 5 * 86400, size=n).astype("timedelta64[s]"),
    )

    has_fee = p_fee > 0
    pay_online = rng.random(n) < np.where(online, 0.4 + 0.45 * drift, 0.08)
    payment = np.where(
        ~has_fee,
        NONE,
        np.where(pay_online, "online", np.where(rng.random(n) < 0.7, "cash", "transfer")),
    )
    rated = (status == "completed") & (rng.random(n) < 0.35)
    rating = np.where(
        ~rated,
        NONE,
        rng.choice(["very_satisfied", "satisfied", "unsatisfied"], size=n, p=[0.45, 0.5, 0.05]),
    )
    applicant_id = np.where(
        p_business,
        np.char.add("0900", rng.integers(100000, 999999, size=n).astype(str)),
        np.char.add("0330", rng.integers(10**7, 10**8 - 1, size=n).astype(str)),
    )
    listed = names()

    def pick(words: tuple[str, ...]) -> np.ndarray:
        return np.array(words)[rng.integers(len(words), size=n)].astype(object)

    # drawn in this order (surname, middle, given): the same seed gives the same names
    surname = pick(listed.surnames)
    middle = pick(listed.middle_names)
    applicant_names = surname + " " + middle + " " + pick(listed.given_names)
    ids = np.char.add(
        np.char.add("H31.", np.datetime_as_string(recv_day).astype("U10")),
        np.char.add(".", np.char.zfill(seq.astype(str), 5)),
    )
    ids = np.char.replace(ids, "-", "")

    base = pl.DataFrame(
        {
            "dossier_id": ids,
            "procedure_code": np.array([p.code for p in procedures])[proc_i],
            "agency_code": agency.astype(str),
            "channel": channel,
            "applicant_id": applicant_id,
            "applicant_name": applicant_names.astype(str),
            "received_at": received.astype("datetime64[us]"),
            "due_at": due.astype("datetime64[us]"),
            "_final_at": final_at.astype("datetime64[us]"),
            "_status": status,
            "is_digitized": rng.random(n) < 0.8 + 0.18 * drift,
            "result_digitized": rng.random(n) < 0.75 + 0.22 * drift,
            "fee_amount": np.where(has_fee, p_fee, 0),
            "payment_method": pl.Series(payment.tolist(), dtype=pl.String),
            "apology_issued": late & (rng.random(n) < 0.5 + 0.45 * drift),
            "rating": pl.Series(rating.tolist(), dtype=pl.String),
            "_processing": rng.random(n) < 0.5,
        }
    )
    # drawn after the columns above, so that adding them left every other value as it was
    synced = rng.random(n) < 0.82 + 0.16 * drift
    base = base.with_columns(
        pl.Series("vneid_authenticated", online & (rng.random(n) < 0.55 + 0.4 * drift)),
        pl.Series("_sync_s", np.where(synced, rng.integers(60, 8 * 3600, size=n), -1)),
    )
    return _versions(base)


def _versions(base: pl.DataFrame) -> pl.DataFrame:
    """First version on the day received (open), final version on the day it ends; each
    reaches the national portal within hours of its change, or not by the extract (blank)."""
    final_day = pl.col("_final_at").dt.date()
    same_day = final_day == pl.col("received_at").dt.date()
    opened = base.filter(~same_day).with_columns(
        pl.when(pl.col("_processing"))
        .then(pl.lit("processing"))
        .otherwise(pl.lit("received"))
        .alias("status"),
        pl.lit(None, pl.Datetime("us")).alias("completed_at"),
        pl.col("received_at").alias("updated_at"),
        pl.lit(False).alias("result_digitized"),
        pl.lit(False).alias("apology_issued"),
        pl.lit(None, pl.String).alias("rating"),
        pl.col("received_at").dt.date().alias("_extract_day"),
    )
    closed = base.with_columns(
        pl.col("_status").alias("status"),
        pl.when(pl.col("_status") == "completed").then(pl.col("_final_at")).alias("completed_at"),
        pl.col("_final_at").alias("updated_at"),
        (pl.col("result_digitized") & (pl.col("_status") == "completed")),
        final_day.alias("_extract_day"),
    )
    cols = [
        "dossier_id",
        "procedure_code",
        "agency_code",
        "channel",
        "applicant_id",
        "applicant_name",
        "received_at",
        "due_at",
        "completed_at",
        "status",
        "is_digitized",
        "result_digitized",
        "fee_amount",
        "payment_method",
        "apology_issued",
        "rating",
        "synced_at",
        "vneid_authenticated",
        "updated_at",
        "_extract_day",
    ]
    synced_at = (
        pl.when(pl.col("_sync_s") >= 0)
        .then(pl.col("updated_at") + pl.duration(seconds=pl.col("_sync_s")))
        .alias("synced_at")
    )
    return pl.concat(
        [opened.with_columns(synced_at).select(cols), closed.with_columns(synced_at).select(cols)]
    )
