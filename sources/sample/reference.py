"""Reference data of the sample province: agencies across the 2025 reorganisation and a
procedure catalogue. Names are plausible Hưng Yên / Thái Bình names, not an official list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from cchc.sources.sample.names import names

REORG_DAY = date(2025, 7, 1)  # two-level local government (Nghị quyết 1666/NQ-UBTVQH15)
DEPT_MERGE_DAY = date(2025, 3, 1)  # provincial departments merged
LONG_AGO = date(2020, 1, 1)


@dataclass(frozen=True)
class Agency:
    code: str
    name: str
    level: str
    type: str
    valid_from: date
    valid_to: date | None = None
    successor_code: str | None = None

    def active_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


def build_agencies(rng: np.random.Generator) -> list[Agency]:
    """Today's units plus the units abolished in 2025, with successor chains."""
    before_merge = date(2025, 2, 28)
    before_reorg = date(2025, 6, 30)
    listed = names()
    depts = [
        Agency(
            f"H31.{i + 1:02d}",
            name,
            "province",
            "center" if name.startswith(("Trung tâm", "Ban", "Quỹ")) else "department",
            LONG_AGO,
        )
        for i, name in enumerate(listed.province_departments)
    ]
    dept_code = {d.name: d.code for d in depts}
    merged = [
        Agency(
            f"H31.{41 + i}",
            name,
            "province",
            "department",
            LONG_AGO,
            before_merge,
            dept_code[successor],
        )
        for i, (name, successor) in enumerate(listed.merged_departments)
    ]
    # Thái Bình's departments (those of the list's 2nd to 15th), merged in July 2025
    thai_binh = [
        Agency(
            f"H57.{n + 1:02d}",
            f"{dept.name} (Thái Bình)".replace(" tỉnh", ""),
            "province",
            "department",
            LONG_AGO,
            before_reorg,
            dept.code,
        )
        for n, dept in enumerate(depts[1:15])
    ]
    # A chain: Thái Bình's planning department → its finance department (March) →
    # Hưng Yên's finance department (July).
    thai_binh.append(
        Agency(
            "H57.41",
            "Sở Kế hoạch và Đầu tư (Thái Bình)",
            "province",
            "department",
            LONG_AGO,
            before_merge,
            thai_binh[0].code,
        )
    )

    wards = listed.wards
    stems = [s for s in listed.commune_stems if s not in wards][: 104 - len(wards)]
    communes = [
        Agency(
            f"H31.{101 + i}",
            ("Phường " if i < len(wards) else "Xã ") + name,
            "commune",
            "ward" if i < len(wards) else "commune",
            REORG_DAY,
        )
        for i, name in enumerate([*wards, *stems])
    ]
    districts, old_communes = [], []
    districts_listed = listed.old_districts
    groups = np.array_split(np.arange(len(communes)), len(districts_listed))
    for d, ((dname, prefix), group) in enumerate(zip(districts_listed, groups, strict=True)):
        dcode = f"{prefix}.D{d + 1:02d}"
        seat = communes[int(group[0])]
        districts.append(
            Agency(dcode, dname, "district", "district", LONG_AGO, before_reorg, seat.code)
        )
        n = 0
        for ci in group:
            new = communes[int(ci)]
            for _ in range(int(rng.integers(2, 4))):
                n += 1
                kind = "Phường" if new.type == "ward" else "Xã"
                stem = new.name.split(" ", 1)[1]
                old_communes.append(
                    Agency(
                        f"{dcode}.{n:02d}",
                        f"{kind} {stem} {n}",
                        "commune",
                        new.type,
                        LONG_AGO,
                        before_reorg,
                        new.code,
                    )
                )
    return depts + merged + thai_binh + communes + districts + old_communes


@dataclass(frozen=True)
class Procedure:
    code: str
    name: str
    level: str
    online_level: str
    has_fee: bool
    is_business: bool
    processing_days: int
    fee: int


def build_procedures(rng: np.random.Generator, count: int = 300) -> list[Procedure]:
    """A catalogue of `count` TTHC, codes shaped like the national catalogue's."""
    out: list[Procedure] = []
    seen: set[str] = set()
    while len(out) < count:
        fields, suffixes = names().procedure_fields, names().procedure_suffixes
        chosen = fields[int(rng.integers(len(fields)))]
        field, level, listed = chosen.field, chosen.level, chosen.procedures
        name = listed[int(rng.integers(len(listed)))]
        name += suffixes[int(rng.integers(len(suffixes)))]
        if name in seen:
            name = f"{name} - lĩnh vực {field.lower()} ({len(out) + 1})"
        seen.add(name)
        online = str(rng.choice(["full", "partial", "none"], p=[0.45, 0.4, 0.15]))
        has_fee = bool(rng.random() < 0.55)
        out.append(
            Procedure(
                code=f"1.{10000 + len(out) * 37:06d}.000.00.00.H31",
                name=name,
                level=level,
                online_level=online,
                has_fee=has_fee,
                is_business=field in ("Đầu tư", "Doanh nghiệp", "Công thương", "Hộ kinh doanh"),
                processing_days=int(rng.choice([1, 2, 3, 5, 7, 10, 15, 20])),
                fee=int(rng.choice([20_000, 50_000, 100_000, 200_000, 500_000, 1_000_000]))
                if has_fee
                else 0,
            )
        )
    return out
