"""Write a landing zone of sample extracts: `<landing>/<source>/<YYYY-MM-DD>/<file>`.

Every (source, day) draws from its own random stream seeded by (seed, source, day), so the
same arguments always give the same bytes, whatever else is generated. What a day holds
depends on the first day and the seed, never on the last day: a sample extended by one day
(`cchc sample --next`) is the same sample plus that day's extracts — new dossiers, new
versions of open ones, the day's documents and payments."""

from __future__ import annotations

import json
import shutil
import zlib
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime, time, timedelta
from pathlib import Path

import numpy as np
import polars as pl

from cchc.sources.contracts import CONTRACTS
from cchc.sources.sample.dossiers import generate_month, trend
from cchc.sources.sample.others import (
    documents_for_day,
    investment_plan,
    payments,
    staffing_base,
    staffing_snapshot,
    survey_round,
    work_records_for_day,
)
from cchc.sources.sample.reference import (
    DEPT_MERGE_DAY,
    REORG_DAY,
    Agency,
    build_agencies,
    build_procedures,
)
from cchc.sources.sample.writers import STYLES, Broken, write_extract

SOURCE_IDS = {name: i for i, name in enumerate(CONTRACTS)}
#: Broken rows never exceed this share of a file, so a clean sample passes the quarantine gate.
MAX_BROKEN_PER_FILE = 0.005
#: A dossier's last version comes at most this long after it is received (20 processing
#: days, up to 10 days late): older months have nothing for a day being appended.
DOSSIER_LIFETIME = timedelta(days=45)
#: Plan years generated beyond the first one, so extending a sample keeps its plan.
PLAN_YEARS = 4


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


def save(cfg: SampleConfig, landing: Path, path: Path) -> None:
    """Record what was generated into `landing`, so that `extend` continues the same sample."""
    record = asdict(cfg) | {"start": cfg.start.isoformat(), "landing": str(landing)}
    path.write_text(json.dumps(record, indent=2))


def extend(landing: Path, record: Path, days: int, overwrite: bool = False) -> SampleConfig:
    """Append `days` extract dates after the recorded sample's last one, consistent with it
    (new ids, new versions of open dossiers); refuse to rewrite a day that exists."""
    if not record.exists():
        raise ValueError(f"no sample recorded in {record}: run `cchc sample` first")
    saved = json.loads(record.read_text())
    if saved.pop("landing") != str(landing):
        raise ValueError(f"the sample in {record} was written to another landing zone")
    old = SampleConfig(**(saved | {"start": date.fromisoformat(saved["start"])}))
    new = replace(old, days=old.days + days)
    added = {old.end + timedelta(days=i + 1) for i in range(days)}
    taken = sorted(
        p.relative_to(landing).as_posix() for d in added for p in landing.glob(f"*/{d.isoformat()}")
    )
    if taken and not overwrite:
        raise ValueError(f"already in the landing zone (--overwrite to replace): {taken[0]}")
    generate(landing, new, only=added)
    save(new, landing, record)
    return new


class _Writer:
    def __init__(self, landing: Path, cfg: SampleConfig, only: set[date] | None) -> None:
        self.landing, self.cfg, self.only = landing, cfg, only
        self.files: dict[str, int] = dict.fromkeys(CONTRACTS, 0)

    def days(self) -> list[date]:
        """The days to write: every day of the sample, or only the ones asked for."""
        every = (self.cfg.start + timedelta(days=i) for i in range(self.cfg.days))
        return sorted(self.only) if self.only is not None else list(every)

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
        if rows.is_empty() or (self.only is not None and day not in self.only):
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


def generate(landing: Path, cfg: SampleConfig, only: set[date] | None = None) -> dict[str, int]:
    """Generate every source into `landing`, replacing the sample's folders of the days
    written: all of `cfg`'s days, or `only` these (which must lie within them)."""
    out = _Writer(landing, cfg, only)
    for source in CONTRACTS:
        for day in out.days():
            shutil.rmtree(landing / source / day.isoformat(), ignore_errors=True)
    ref_rng = np.random.default_rng([cfg.seed, 0])
    agencies = build_agencies(ref_rng)
    procedures = build_procedures(ref_rng, cfg.procedures)
    _agencies(out, agencies)
    _procedures(out, procedures)
    _dossiers(out, agencies, procedures)
    _documents(out, agencies)
    _staffing(out, agencies, staffing_base(ref_rng, agencies))
    _investment(out, agencies)
    _work_records(out, agencies)
    _surveys(out, agencies)
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
    """The catalogue on the first day; on 1 January 2026 the procedures moved to full online
    (eligible ones among them) and those that opened online payment are re-issued."""
    start, end = out.cfg.start, out.cfg.end
    rng = np.random.default_rng([out.cfg.seed, 97])
    draws = rng.random((len(procedures), 3))
    eligible = {
        p.code: p.online_level == "full" or (p.online_level == "partial" and d[0] < 0.3)
        for p, d in zip(procedures, draws, strict=True)
    }
    paying = {p.code: p.has_fee and d[1] < 0.75 for p, d in zip(procedures, draws, strict=True)}
    anywhere = {p.code: bool(d[2] < 0.8) for p, d in zip(procedures, draws, strict=True)}

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
                    "full_online_eligible": eligible[p.code],
                    "online_payment_enabled": paying[p.code],
                    "cross_boundary": anywhere[p.code],
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
            eligible[p.code] = True
        opened = [p for i, p in enumerate(procedures) if p.has_fee and not paying[p.code] and i % 2]
        for p in opened:
            paying[p.code] = True
        lifted += [p for p in opened if p not in lifted]
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
    """Month by month, every day of the month (a month's draws must not depend on where the
    sample ends); months whose dossiers are all closed before the days written are skipped."""
    start, end = out.cfg.start, out.cfg.end
    first_written = out.days()[0] if out.days() else end
    month = date(start.year, start.month, 1)
    while month <= end:
        nxt = (month + timedelta(days=32)).replace(day=1)
        if nxt + DOSSIER_LIFETIME < first_written:
            month = nxt
            continue
        days = [
            d for d in (month + timedelta(days=i) for i in range((nxt - month).days)) if start <= d
        ]
        rows = generate_month(
            out.rng("dossiers", month),
            days,
            start,
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
    per_day = max(1, int(out.cfg.dossiers_per_day * 0.8))
    for day in out.days():
        rng = out.rng("documents", day)
        rows = documents_for_day(rng, day, per_day, agencies, trend(day, out.cfg.start))
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


#: The staffing baseline of Kết luận 40-KL/TW (2022–2026 cuts are measured against it).
STAFFING_BASELINE = date(2021, 12, 31)


def _staffing(out: _Writer, agencies: list[Agency], base: dict[str, tuple]) -> None:
    """Month-end snapshots, and on the first day the historical 2021 baseline snapshot."""
    baseline = staffing_snapshot(
        out.rng("staffing", STAFFING_BASELINE), STAFFING_BASELINE, agencies, base
    )
    out.write("staffing", out.cfg.start, "bien_che_2021", baseline, styles=("xlsx", "csv_vn_bom"))
    for day in out.days():
        if (day + timedelta(days=1)).day == 1:  # month end
            rows = staffing_snapshot(out.rng("staffing", day), day, agencies, base)
            out.write("staffing", day, "bien_che", rows, styles=("xlsx", "csv_vn_bom"))


def _investment(out: _Writer, agencies: list[Agency]) -> None:
    """Plan decisions on their dates; payments on their days (earlier ones as an initial load)."""
    start, end = out.cfg.start, out.cfg.end
    first_year = start.year - 1 if start <= date(start.year, 1, 31) else start.year
    years = list(range(first_year, max(end.year, start.year + PLAN_YEARS) + 1))
    plan = investment_plan(
        np.random.default_rng([out.cfg.seed, 99]), years, agencies, out.cfg.projects
    )
    # payments follow each project's final plan, whatever day the sample ends on
    paid = payments(np.random.default_rng([out.cfg.seed, 98]), plan)
    plan = plan.filter(pl.col("decision_date") <= end).with_columns(
        pl.max_horizontal(pl.col("decision_date"), pl.lit(start)).alias("_day")
    )
    for (day,), part in plan.partition_by("_day", as_dict=True).items():
        out.write(
            "investment_plan", day, "ke_hoach_von", part.drop("_day"), styles=("xlsx", "csv_vn_bom")
        )
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


def _work_records(out: _Writer, agencies: list[Agency]) -> None:
    per_day = max(1, int(out.cfg.dossiers_per_day * 0.5))
    for day in out.days():
        rng = out.rng("work_records", day)
        rows = work_records_for_day(rng, day, per_day, agencies, trend(day, out.cfg.start))
        out.write(
            "work_records",
            day,
            "ho_so_cong_viec",
            rows,
            weights=(0.5, 0.1, 0.1, 0.1, 0.2),
            breakable=(("opened_at", "chưa rõ"), ("agency_code", "H99.02")),
        )


def _surveys(out: _Writer, agencies: list[Agency]) -> None:
    """One survey round at each quarter's end."""
    for day in out.days():
        if (day + timedelta(days=1)).day == 1 and day.month % 3 == 0:
            rows = survey_round(out.rng("surveys", day), day, agencies, trend(day, out.cfg.start))
            out.write("surveys", day, "khao_sat_hai_long", rows, styles=("xlsx", "csv_vn_bom"))
