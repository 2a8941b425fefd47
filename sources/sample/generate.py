"""Write a landing zone of sample extracts: `<landing>/<source>/<YYYY-MM-DD>/<file>`.

Every (source, day) draws from its own random stream seeded by (seed, source, day), so the
same arguments always give the same bytes, whatever else is generated."""

from __future__ import annotations

import shutil
import zlib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

import numpy as np
import polars as pl

from sources.contracts import CONTRACTS
from sources.sample.dossiers import generate_month
from sources.sample.others import (
    documents_for_day,
    investment_plan,
    payments,
    staffing_base,
    staffing_snapshot,
)
from sources.sample.reference import (
    DEPT_MERGE_DAY,
    REORG_DAY,
    Agency,
    build_agencies,
    build_procedures,
)
from sources.sample.writers import STYLES, Broken, write_extract

SOURCE_IDS = {name: i for i, name in enumerate(CONTRACTS)}
#: Broken rows never exceed this share of a file, so a clean sample passes the quarantine gate.
MAX_BROKEN_PER_FILE = 0.005


@dataclass(frozen=True)
class SampleConfig:
    """What to generate. Defaults: two years ending today at a quick-demo volume."""

    start: date
    days: int = 730
    dossiers_per_day: int = 300
    seed: int = 2026
    broken_share: float = 0.002
    procedures: int = 300
    projects: int = 60
    #: One export style for every file (e.g. "csv_vn_bom", which any SQL engine reads)
    #: instead of the realistic mix; benchmarks compare engines on the same files.
    style: str | None = None

    @property
    def end(self) -> date:
        return self.start + timedelta(days=self.days - 1)


class _Writer:
    def __init__(self, landing: Path, cfg: SampleConfig) -> None:
        self.landing, self.cfg = landing, cfg
        self.files: dict[str, int] = dict.fromkeys(CONTRACTS, 0)

    def rng(self, source: str, day: date, extra: int = 0) -> np.random.Generator:
        return np.random.default_rng([self.cfg.seed, SOURCE_IDS[source], day.toordinal(), extra])

    def write(
        self,
        source: str,
        day: date,
        name: str,
        rows: pl.DataFrame,
        styles: tuple[str, ...] = STYLES,
        weights: tuple[float, ...] | None = None,
        breakable: tuple[tuple[str, str | None], ...] = (),
    ) -> None:
        if rows.is_empty():
            return
        rng = self.rng(source, day, zlib.crc32(name.encode()))
        style = self.cfg.style or str(rng.choice(styles, p=weights))
        broken: list[Broken] = []
        if breakable:
            cap = int(rows.height * MAX_BROKEN_PER_FILE)
            k = min(int(rng.binomial(rows.height, self.cfg.broken_share)), cap)
            for row in rng.choice(rows.height, size=k, replace=False):
                column, text = breakable[int(rng.integers(len(breakable)))]
                if column == "__duplicate__":
                    rows = pl.concat([rows, rows[int(row) : int(row) + 1]])
                else:
                    broken.append(Broken(int(row), column, text))
        folder = self.landing / source / day.isoformat()
        write_extract(
            folder / name,
            CONTRACTS[source],
            rows,
            style,
            broken,
            flag_style=str(rng.choice(["x", "co"])),
        )
        self.files[source] += 1


def generate(landing: Path, cfg: SampleConfig) -> dict[str, int]:
    """Generate every source into `landing` (replacing sample folders in the range)."""
    for source in CONTRACTS:
        for day in range(cfg.days):
            shutil.rmtree(
                landing / source / (cfg.start + timedelta(days=day)).isoformat(), ignore_errors=True
            )
    out = _Writer(landing, cfg)
    ref_rng = np.random.default_rng([cfg.seed, 0])
    agencies = build_agencies(ref_rng)
    procedures = build_procedures(ref_rng, cfg.procedures)
    _agencies(out, agencies)
    _procedures(out, procedures)
    _dossiers(out, agencies, procedures)
    _documents(out, agencies)
    _staffing(out, agencies, staffing_base(ref_rng, agencies))
    _investment(out, agencies)
    return out.files


def _stamp(day: date, hour: int = 6) -> datetime:
    return datetime.combine(day, time(hour))


def _agencies(out: _Writer, agencies: list[Agency]) -> None:
    """A full snapshot on the first day, then the rows that change at each reorganisation."""
    start, end = out.cfg.start, out.cfg.end

    def rows(units: list[Agency], as_of: date) -> pl.DataFrame:
        return pl.DataFrame(
            [
                {
                    "agency_code": a.code,
                    "agency_name": a.name,
                    "agency_level": a.level,
                    "agency_type": a.type,
                    "valid_from": a.valid_from,
                    "valid_to": a.valid_to if a.valid_to and a.valid_to < as_of else None,
                    "successor_code": a.successor_code
                    if a.valid_to and a.valid_to < as_of
                    else None,
                    "updated_at": _stamp(as_of),
                }
                for a in units
            ]
        )

    out.write(
        "agencies",
        start,
        "don_vi",
        rows([a for a in agencies if a.valid_from <= start], start),
        styles=("xlsx", "csv_vn_bom"),
    )
    for event in (DEPT_MERGE_DAY, REORG_DAY):
        if start < event <= end:
            changed = [
                a
                for a in agencies
                if a.valid_from == event or a.valid_to == event - timedelta(days=1)
            ]
            out.write(
                "agencies",
                event,
                "don_vi_thay_doi",
                rows(changed, event),
                styles=("xlsx", "csv_vn_bom"),
            )


def _procedures(out: _Writer, procedures: list) -> None:
    start, end = out.cfg.start, out.cfg.end

    def rows(procs: list, day: date) -> pl.DataFrame:
        return pl.DataFrame(
            [
                {
                    "procedure_code": p.code,
                    "procedure_name": p.name,
                    "level": p.level,
                    "online_level": p.online_level,
                    "has_fee": p.has_fee,
                    "is_business": p.is_business,
                    "updated_at": _stamp(day),
                }
                for p in procs
            ]
        )

    out.write(
        "procedures", start, "danh_muc_tthc", rows(procedures, start), styles=("csv_vn_bom", "xlsx")
    )
    upgrade = date(2026, 1, 1)
    if start < upgrade <= end:  # the 2026 catalogue moves some procedures to full online
        lifted = [p for i, p in enumerate(procedures) if p.online_level == "partial" and i % 4 == 0]
        for p in lifted:
            object.__setattr__(p, "online_level", "full")
        out.write(
            "procedures",
            upgrade,
            "danh_muc_tthc_2026",
            rows(lifted, upgrade),
            styles=("csv_vn_bom",),
        )


DOSSIER_BREAKS = (
    ("received_at", "31/02/2025"),
    ("agency_code", "H31.999"),
    ("due_at", "01/01/2000"),
    ("fee_amount", "-50.000"),
    ("dossier_id", None),
    ("channel", "Qua Zalo"),
    ("__duplicate__", None),
)


def _dossiers(out: _Writer, agencies: list[Agency], procedures: list) -> None:
    start, end = out.cfg.start, out.cfg.end
    month = date(start.year, start.month, 1)
    while month <= end:
        nxt = (month + timedelta(days=32)).replace(day=1)
        days = [
            d
            for d in (month + timedelta(days=i) for i in range((nxt - month).days))
            if start <= d <= end
        ]
        rows = generate_month(
            out.rng("dossiers", month),
            days,
            start,
            end,
            out.cfg.dossiers_per_day,
            agencies,
            procedures,
        )
        if not rows.is_empty():
            rows = rows.filter(pl.col("_extract_day") <= end)
            for (day,), part in rows.partition_by("_extract_day", as_dict=True).items():
                out.write(
                    "dossiers",
                    day,
                    f"ho_so_{month:%Y%m}",
                    part.drop("_extract_day"),
                    weights=(0.45, 0.1, 0.1, 0.1, 0.25),
                    breakable=DOSSIER_BREAKS,
                )
        month = nxt


def _documents(out: _Writer, agencies: list[Agency]) -> None:
    start, span = out.cfg.start, max(out.cfg.days - 1, 1)
    per_day = max(1, int(out.cfg.dossiers_per_day * 0.8))
    for i in range(out.cfg.days):
        day = start + timedelta(days=i)
        rows = documents_for_day(out.rng("documents", day), day, per_day, agencies, i / span)
        out.write(
            "documents",
            day,
            "van_ban_di",
            rows,
            weights=(0.5, 0.1, 0.1, 0.1, 0.2),
            breakable=(
                ("issued_at", "không rõ"),
                ("agency_code", "H99.01"),
                ("is_secret", "chưa xác định"),
            ),
        )


def _staffing(out: _Writer, agencies: list[Agency], base: dict[str, tuple]) -> None:
    for i in range(out.cfg.days):
        day = out.cfg.start + timedelta(days=i)
        if (day + timedelta(days=1)).day == 1:  # month end
            rows = staffing_snapshot(out.rng("staffing", day), day, agencies, base)
            out.write("staffing", day, "bien_che", rows, styles=("xlsx", "csv_vn_bom"))


def _investment(out: _Writer, agencies: list[Agency]) -> None:
    """Plan decisions on their dates; payments on their days (earlier ones as an initial load)."""
    start, end = out.cfg.start, out.cfg.end
    first_year = start.year - 1 if start <= date(start.year, 1, 31) else start.year
    years = list(range(first_year, end.year + 1))
    plan = investment_plan(
        np.random.default_rng([out.cfg.seed, 99]), years, agencies, out.cfg.projects
    )
    plan = plan.filter(pl.col("decision_date") <= end).with_columns(
        pl.max_horizontal(pl.col("decision_date"), pl.lit(start)).alias("_day")
    )
    for (day,), part in plan.partition_by("_day", as_dict=True).items():
        out.write(
            "investment_plan", day, "ke_hoach_von", part.drop("_day"), styles=("xlsx", "csv_vn_bom")
        )
    paid = payments(np.random.default_rng([out.cfg.seed, 98]), plan.drop("_day"))
    paid = paid.filter(pl.col("paid_at") <= end).with_columns(
        pl.max_horizontal(pl.col("paid_at"), pl.lit(start)).alias("_day")
    )
    for (day,), part in paid.partition_by("_day", as_dict=True).items():
        out.write(
            "payments",
            day,
            "giai_ngan_kbnn",
            part.drop("_day"),
            styles=("csv_vn_1258", "csv_vn_bom", "xlsx"),
            weights=(0.4, 0.4, 0.2),
            breakable=(("amount", "12,5 triệu"), ("paid_at", None)),
        )
