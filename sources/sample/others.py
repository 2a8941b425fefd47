"""Sample rows for documents, work records, satisfaction surveys, staffing snapshots, the
investment plan and treasury payments."""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta

import numpy as np
import polars as pl

from cchc.sources.sample.reference import Agency

DOC_TYPES = ("Công văn", "Quyết định", "Tờ trình", "Báo cáo", "Kế hoạch", "Thông báo")


def documents_for_day(
    rng: np.random.Generator, day: date, per_day: int, agencies: list[Agency], trend: float
) -> pl.DataFrame:
    """Outgoing documents of one day; signing and electronic sending improve over time."""
    if day.weekday() >= 5:
        per_day = per_day // 20
    n = int(rng.poisson(per_day))
    active = [a.code for a in agencies if a.active_on(day) and a.level != "district"]
    if n == 0 or not active:
        return pl.DataFrame()
    secs = rng.integers(7 * 3600, 18 * 3600, size=n)
    issued = [datetime(day.year, day.month, day.day) + timedelta(seconds=int(s)) for s in secs]
    return pl.DataFrame(
        {
            "document_id": [f"VB.{day:%Y%m%d}.{i:05d}" for i in range(n)],
            "agency_code": rng.choice(active, size=n),
            "issued_at": issued,
            "doc_type": rng.choice(DOC_TYPES, size=n),
            "is_secret": rng.random(n) < 0.03,
            "is_electronic": rng.random(n) < 0.9 + 0.08 * trend,
            "leader_signed": rng.random(n) < 0.88 + 0.1 * trend,
            "agency_signed": rng.random(n) < 0.9 + 0.09 * trend,
            "updated_at": issued,
        }
    )


def work_records_for_day(
    rng: np.random.Generator, day: date, per_day: int, agencies: list[Agency], trend: float
) -> pl.DataFrame:
    """Work records opened on one day; communes move them onto the network more slowly."""
    if day.weekday() >= 5:
        per_day = per_day // 20
    n = int(rng.poisson(per_day))
    active = [a for a in agencies if a.active_on(day) and a.level != "district"]
    if n == 0 or not active:
        return pl.DataFrame()
    unit = rng.integers(len(active), size=n)
    province = np.array([active[i].level == "province" for i in unit])
    p_online = np.where(province, 0.9 + 0.09 * trend, 0.55 + 0.3 * trend)
    secs = rng.integers(7 * 3600, 17 * 3600, size=n)
    opened = [datetime(day.year, day.month, day.day) + timedelta(seconds=int(s)) for s in secs]
    return pl.DataFrame(
        {
            "record_id": [f"HSCV.{day:%Y%m%d}.{i:05d}" for i in range(n)],
            "agency_code": [active[i].code for i in unit],
            "opened_at": opened,
            "is_secret": rng.random(n) < 0.02,
            "processed_online": rng.random(n) < p_online,
            "updated_at": opened,
        }
    )


def survey_round(
    rng: np.random.Generator, day: date, agencies: list[Agency], trend: float
) -> pl.DataFrame:
    """A quarter's satisfaction survey: every unit on its administration, communes also on
    their health station and schools."""
    rows = []
    for a in agencies:
        if not a.active_on(day) or a.level == "district":
            continue
        sectors = ("administration", "health", "education") if a.level == "commune" else ()
        for sector in sectors or ("administration",):
            respondents = int(rng.integers(30, 200))
            p = (0.86 if sector == "administration" else 0.8) + 0.08 * trend
            rows.append((a.code, sector, respondents, int(rng.binomial(respondents, min(p, 1)))))
    quarter = (day.month - 1) // 3 + 1
    return pl.DataFrame(
        rows, schema=["agency_code", "sector", "respondents", "satisfied"], orient="row"
    ).with_columns(
        pl.lit(f"KS-{day.year}-Q{quarter}").alias("survey_id"),
        pl.lit(day).alias("surveyed_at"),
        pl.lit(datetime(day.year, day.month, day.day, 18)).alias("updated_at"),
    )


def staffing_snapshot(
    rng: np.random.Generator, day: date, agencies: list[Agency], base: dict[str, tuple]
) -> pl.DataFrame:
    """Month-end headcount per unit × category; quotas cut on 1 January, staff drifting down."""
    rows = []
    months = (day.year - 2024) * 12 + day.month
    for a in agencies:
        if not a.active_on(day) or a.code not in base:
            continue
        for category, quota0 in zip(
            ("civil_servant", "public_employee", "contract"), base[a.code], strict=True
        ):
            if quota0 == 0:
                continue
            cuts = sum(1 for y in (2025, 2026) if day >= date(y, 1, 1))
            # before 2024 the quota was larger still: the 2022–2024 cuts of Kết luận 40-KL/TW
            quota = round(quota0 * (1 - 0.045 * cuts) * (1.06 if day.year < 2024 else 1))
            drift = 1 - 0.004 * months - float(rng.normal(0, 0.004))
            headcount = max(0, min(quota, round(quota0 * 0.97 * drift)))
            rows.append((a.code, day, category, quota, headcount))
    stamp = datetime(day.year, day.month, day.day, 20, 0)
    return pl.DataFrame(
        rows,
        schema=["agency_code", "snapshot_date", "staff_category", "quota", "headcount"],
        orient="row",
    ).with_columns(pl.lit(stamp).alias("updated_at"))


def staffing_base(rng: np.random.Generator, agencies: list[Agency]) -> dict[str, tuple]:
    """Original quota per unit and category (provincial departments are larger)."""
    base = {}
    for a in agencies:
        if a.level == "province":
            base[a.code] = (
                int(rng.integers(35, 120)),
                int(rng.choice([0, 0, 60, 250, 600])),
                int(rng.integers(4, 20)),
            )
        elif a.level == "commune":
            big = a.valid_from.year >= 2025
            base[a.code] = (
                int(rng.integers(30, 46)) if big else int(rng.integers(18, 23)),
                int(rng.integers(8, 30)),
                int(rng.integers(2, 8)),
            )
        else:
            base[a.code] = (
                int(rng.integers(60, 90)),
                int(rng.integers(20, 60)),
                int(rng.integers(5, 12)),
            )
    return base


def investment_plan(
    rng: np.random.Generator, years: list[int], agencies: list[Agency], projects: int
) -> pl.DataFrame:
    """Plan lines per year, decided in December, ~40 % adjusted in July (up or down)."""
    rows = []
    for year in years:
        investors = [
            a.code for a in agencies if a.active_on(date(year, 7, 15)) and a.level != "commune"
        ]
        for p in range(projects):
            code = f"DA.{(p * 7919) % 100000:05d}"
            source = str(rng.choice(["central", "local", "other"], p=[0.35, 0.55, 0.1]))
            amount = int(rng.integers(5, 300)) * 1_000_000_000
            investor = investors[p % len(investors)]
            name = f"Dự án đầu tư xây dựng công trình số {p + 1}"
            rows.append((code, name, investor, source, year, amount, date(year - 1, 12, 15)))
            if rng.random() < 0.4:
                new = round(amount * float(rng.uniform(0.75, 1.25)), -6)
                rows.append((code, name, investor, source, year, int(new), date(year, 7, 10)))
    return pl.DataFrame(
        rows,
        orient="row",
        schema=[
            "project_code",
            "project_name",
            "investor_code",
            "capital_source",
            "plan_year",
            "plan_amount",
            "decision_date",
        ],
    )


def payments(rng: np.random.Generator, plan: pl.DataFrame) -> pl.DataFrame:
    """Treasury payments following an S-curve to 31 January Y+1, with a few refunds."""
    in_force = (
        plan.sort("decision_date")
        .group_by(["project_code", "plan_year", "capital_source"], maintain_order=True)
        .last()
    )
    rows = []
    for line in in_force.iter_rows(named=True):
        year = line["plan_year"]
        start, stop = date(year, 1, 2), date(year + 1, 1, 31)
        span = (stop - start).days
        total = line["plan_amount"] * float(rng.beta(9, 1.2))

        def curve(t: float) -> float:
            s = lambda x: 1 / (1 + math.exp(-9 * (x - 0.62)))  # noqa: E731
            return (s(t) - s(0)) / (s(1) - s(0))

        paid, last = 0, 0.0
        for offset in range(0, span + 1):
            day = start + timedelta(days=offset)
            if day.weekday() >= 5 or (rng.random() > 0.09 and offset != span):
                continue
            frac = curve(offset / span)
            amount = round(total * (frac - last), -3)
            last = frac
            if amount <= 0:
                continue
            paid += amount
            rows.append((line["project_code"], year, line["capital_source"], day, int(amount)))
        if paid and rng.random() < 0.05:
            refund_day = date(year, 11, 20) + timedelta(days=int(rng.integers(0, 20)))
            rows.append(
                (
                    line["project_code"],
                    year,
                    line["capital_source"],
                    refund_day,
                    -int(round(paid * 0.02, -3)),
                )
            )
    df = pl.DataFrame(
        rows,
        orient="row",
        schema=["project_code", "plan_year", "capital_source", "paid_at", "amount"],
    )
    df = df.sort("paid_at", "project_code")
    return df.with_columns(
        pl.format(
            "KB.{}.{}",
            pl.col("paid_at").dt.strftime("%Y%m%d"),
            pl.int_range(pl.len()).over("paid_at").cast(pl.String).str.zfill(4),
        ).alias("payment_id"),
        (pl.col("paid_at").cast(pl.Datetime("us")) + pl.duration(hours=16)).alias("updated_at"),
    )
