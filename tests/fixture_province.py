"""A tiny hand-made province whose every mart number is computed by hand in test_marts.py.

Units: H31.02 Sở Tài chính (current); H57.01 → H31.02 and H57.41 → H57.01 → H31.02 (a
two-step merger chain); H31.D01 (district) and H31.D01.01 (old commune) → H31.101, a commune
created on 1 July 2025.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from tests.landing_files import drop

T = datetime


def agencies() -> list[dict]:
    def unit(code, name, level, valid_from, valid_to=None, successor=None):
        return {
            "agency_code": code,
            "agency_name": name,
            "agency_level": level,
            "valid_from": valid_from,
            "valid_to": valid_to,
            "successor_code": successor,
            "updated_at": T(2024, 12, 1, 6),
        }

    return [
        unit("H31.02", "Sở Tài chính", "province", date(2020, 1, 1)),
        unit(
            "H57.01",
            "Sở Tài chính (Thái Bình)",
            "province",
            date(2020, 1, 1),
            date(2025, 6, 30),
            "H31.02",
        ),
        unit(
            "H57.41",
            "Sở Kế hoạch và Đầu tư (Thái Bình)",
            "province",
            date(2020, 1, 1),
            date(2025, 2, 28),
            "H57.01",
        ),
        unit(
            "H31.D01", "Huyện Văn Lâm", "district", date(2020, 1, 1), date(2025, 6, 30), "H31.101"
        ),
        unit(
            "H31.D01.01",
            "Xã Như Quỳnh 1",
            "commune",
            date(2020, 1, 1),
            date(2025, 6, 30),
            "H31.101",
        ),
        unit("H31.101", "Xã Như Quỳnh", "commune", date(2025, 7, 1)),
    ]


PROCEDURES = [
    {
        "procedure_code": "P_FULL",
        "procedure_name": "Đăng ký khai sinh",
        "level": "commune",
        "online_level": "full",
        "has_fee": True,
        "full_online_eligible": True,
        "online_payment_enabled": True,
        "cross_boundary": True,
        "updated_at": T(2024, 12, 1),
    },
    {
        "procedure_code": "P_PART",
        "procedure_name": "Cấp giấy phép xây dựng",
        "level": "province",
        "online_level": "partial",
        "has_fee": False,
        "full_online_eligible": True,  # eligible, not yet offered full online
        "online_payment_enabled": False,
        "cross_boundary": False,  # until the catalogue of 15/02/2026
        "updated_at": T(2024, 12, 1),
    },
    {
        "procedure_code": "P_NONE",
        "procedure_name": "Thẩm định thiết kế",
        "level": "province",
        "online_level": "none",
        "has_fee": False,
        "full_online_eligible": False,
        "online_payment_enabled": False,
        "cross_boundary": True,
        "updated_at": T(2024, 12, 1),
    },
]


def dossier(
    dossier_id, procedure, agency, channel, received, due, status, completed=None, **flags
) -> dict:
    return {
        "dossier_id": dossier_id,
        "procedure_code": procedure,
        "agency_code": agency,
        "channel": channel,
        "applicant_id": "033099000111",
        "applicant_name": "Lê Thị Hồng Nhung",
        "received_at": received,
        "due_at": due,
        "completed_at": completed,
        "status": status,
        "updated_at": completed or received,
        "is_digitized": False,
        "result_digitized": False,
        "apology_issued": False,
        "fee_amount": 0,
        "payment_method": None,
        "rating": None,
    } | flags


DOSSIERS = {
    # province level, Sở Tài chính
    "D1": dossier(
        "D1",
        "P_PART",
        "H31.02",
        "online",
        T(2026, 1, 5, 8),
        T(2026, 1, 10),
        "completed",
        T(2026, 1, 10, 15),
        is_digitized=True,
        result_digitized=True,
        rating="very_satisfied",
        synced_at=T(2026, 1, 10, 17),
        vneid_authenticated=True,
    ),  # due as a bare date, completed that day: on time; synced 2 h after its change
    "D2": dossier(
        "D2",
        "P_PART",
        "H31.02",
        "in_person",
        T(2026, 1, 6, 9),
        T(2026, 1, 8, 17),
        "completed",
        T(2026, 1, 9, 10),
        apology_issued=True,
        rating="unsatisfied",
    ),  # late, with apology
    "D3": dossier(
        "D3",
        "P_NONE",
        "H57.41",
        "in_person",
        T(2026, 1, 7, 9),
        T(2026, 1, 9, 17),
        "completed",
        T(2026, 1, 12, 9),
        is_digitized=True,
        synced_at=T(2026, 1, 13, 8),
    ),  # late, no apology; synced 23 h after its change
    "D4": dossier(
        "D4",
        "P_PART",
        "H31.02",
        "online",
        T(2026, 1, 8, 9),
        T(2026, 1, 20, 17),
        "withdrawn",
        is_digitized=True,
    ),
    "D5": dossier(
        "D5",
        "P_PART",
        "H31.02",
        "online",
        T(2026, 1, 20, 9),
        T(2026, 2, 5, 17),
        "completed",
        T(2026, 2, 3, 11),
        is_digitized=True,
        rating="satisfied",
        synced_at=T(2026, 2, 4, 12),
        vneid_authenticated=False,
    ),  # synced 25 h after its change: late
    # commune level
    "D6": dossier(
        "D6",
        "P_FULL",
        "H31.D01.01",
        "online",
        T(2025, 6, 20, 9),
        T(2025, 6, 27, 17),
        "completed",
        T(2025, 6, 25, 9),
        fee_amount=50_000,
        payment_method="online",
    ),  # merged commune: counts to H31.101
    "D7": dossier(
        "D7",
        "P_FULL",
        "H31.101",
        "online",
        T(2026, 1, 12, 9),
        T(2026, 1, 30, 17),
        "processing",
        fee_amount=20_000,
        payment_method="cash",
        is_digitized=True,
        vneid_authenticated=True,
    ),
    "D8": dossier(
        "D8",
        "P_FULL",
        "H31.101",
        "in_person",
        T(2026, 1, 13, 9),
        T(2026, 1, 14, 17),
        "completed",
        T(2026, 1, 14, 17),
        fee_amount=20_000,
        payment_method="online",
    ),  # completed exactly at due_at: on time
    "D9": dossier(
        "D9",
        "P_FULL",
        "H31.101",
        "online",
        T(2026, 1, 15, 9),
        T(2026, 1, 20, 17),
        "cancelled",
        fee_amount=20_000,
        payment_method="online",
    ),
}


def documents() -> list[dict]:
    def doc(i, secret, electronic, leader, agency):
        return {
            "document_id": f"VB-{i}",
            "agency_code": "H31.02",
            "issued_at": T(2026, 1, 10 + i, 9),
            "is_secret": secret,
            "is_electronic": electronic,
            "leader_signed": leader,
            "agency_signed": agency,
            "updated_at": T(2026, 1, 10 + i, 9),
        }

    return [
        doc(1, False, True, True, True),
        doc(2, False, True, True, False),
        doc(3, True, True, True, True),
        doc(4, False, False, True, True),
    ]


def staffing(day: date, rows: list[tuple], category: str = "civil_servant") -> list[dict]:
    return [
        {
            "agency_code": a,
            "snapshot_date": day,
            "staff_category": category,
            "quota": q,
            "headcount": h,
            "updated_at": T(day.year, day.month, day.day, 20),
        }
        for a, q, h in rows
    ]


def plan(code, year, source, investor, amount, decided) -> dict:
    return {
        "project_code": code,
        "project_name": f"Dự án {code}",
        "investor_code": investor,
        "capital_source": source,
        "plan_year": year,
        "plan_amount": amount,
        "decision_date": decided,
    }


def payment(pid, code, year, source, paid, amount) -> dict:
    return {
        "payment_id": pid,
        "project_code": code,
        "plan_year": year,
        "capital_source": source,
        "paid_at": paid,
        "amount": amount,
        "updated_at": T(paid.year, paid.month, paid.day, 16),
    }


def work_record(record_id, agency, opened, online, secret=False) -> dict:
    return {
        "record_id": record_id,
        "agency_code": agency,
        "opened_at": opened,
        "is_secret": secret,
        "processed_online": online,
        "updated_at": opened,
    }


WORK_RECORDS = [
    work_record("W1", "H31.02", T(2026, 1, 5, 9), True),
    work_record("W2", "H31.02", T(2026, 1, 6, 9), True),
    work_record("W3", "H31.02", T(2026, 1, 7, 9), False),
    work_record("W4", "H31.02", T(2026, 1, 8, 9), False, secret=True),  # counts nowhere
    work_record("W5", "H31.101", T(2026, 1, 9, 9), True),
    work_record("W6", "H31.101", T(2026, 1, 12, 9), False),
    work_record("W7", "H31.D01", T(2025, 5, 12, 9), True),  # abolished district → H31.101
]


def survey(agency, sector, respondents, satisfied) -> dict:
    return {
        "survey_id": "KS-2026-Q1",
        "agency_code": agency,
        "sector": sector,
        "surveyed_at": date(2026, 3, 31),
        "respondents": respondents,
        "satisfied": satisfied,
        "updated_at": T(2026, 3, 31, 18),
    }


SURVEYS = [
    survey("H31.02", "administration", 100, 90),
    survey("H31.101", "administration", 50, 45),
    survey("H31.101", "health", 40, 30),
    survey("H31.101", "education", 60, 54),
]


def write(landing: Path) -> None:
    drop(landing, "agencies", "2024-12-01", agencies(), style="xlsx")
    drop(landing, "procedures", "2024-12-01", PROCEDURES)
    # the catalogue of 15/02/2026: P_PART now received regardless of boundary
    part = PROCEDURES[1] | {"cross_boundary": True, "updated_at": T(2026, 2, 15)}
    drop(landing, "procedures", "2026-02-15", [part])
    drop(landing, "work_records", "2026-01-31", WORK_RECORDS[:6], style="xlsx")
    drop(landing, "work_records", "2025-05-31", WORK_RECORDS[6:])
    drop(landing, "surveys", "2026-03-31", SURVEYS)
    # Kết luận 40-KL/TW's baseline snapshot of 31/12/2021, delivered once with the first load
    drop(
        landing,
        "staffing",
        "2024-12-01",
        staffing(
            date(2021, 12, 31),
            [
                ("H31.02", 1900, 1850),
                ("H57.01", 100, 95),
                ("H31.D01", 20, 20),
                ("H31.D01.01", 25, 24),
            ],
        )
        + staffing(date(2021, 12, 31), [("H31.02", 500, 490)], "public_employee"),
        name="baseline_2021",
    )
    by_day: dict[str, list[dict]] = {}
    for row in DOSSIERS.values():
        by_day.setdefault(str(row["updated_at"].date()), []).append(row)
    # D8 first arrives open on the day it is received; its completed version comes next day.
    open_d8 = DOSSIERS["D8"] | {
        "status": "received",
        "completed_at": None,
        "updated_at": T(2026, 1, 13, 9),
    }
    by_day.setdefault("2026-01-13", []).append(open_d8)
    for day, rows in by_day.items():
        drop(landing, "dossiers", day, rows, style="csv_vn_1258")
    drop(landing, "documents", "2026-01-31", documents(), style="jsonl")
    drop(
        landing,
        "staffing",
        "2025-12-31",
        staffing(date(2025, 12, 31), [("H31.02", 1838, 1800), ("H31.101", 40, 38)])
        + staffing(date(2025, 12, 31), [("H31.02", 470, 465)], "public_employee"),
    )
    drop(
        landing,
        "staffing",
        "2026-06-30",
        staffing(date(2026, 6, 30), [("H31.02", 1670, 1700), ("H31.101", 38, 36)])
        + staffing(date(2026, 6, 30), [("H31.02", 460, 455)], "public_employee"),
    )
    drop(
        landing,
        "investment_plan",
        "2024-12-15",
        [plan("DA1", 2025, "local", "H31.02", 1_000_000_000, date(2024, 12, 15))],
    )
    drop(
        landing,
        "investment_plan",
        "2025-07-10",
        [plan("DA1", 2025, "local", "H31.02", 800_000_000, date(2025, 7, 10))],
    )
    drop(
        landing,
        "investment_plan",
        "2025-12-20",
        [plan("DA2", 2026, "central", "H31.101", 500_000_000, date(2025, 12, 20))],
    )
    for p in [
        payment("KB1", "DA1", 2025, "local", date(2025, 3, 10), 100_000_000),
        payment("KB2", "DA1", 2025, "local", date(2025, 8, 5), 300_000_000),
        payment("KB3", "DA1", 2025, "local", date(2025, 11, 20), -50_000_000),
        payment("KB4", "DA1", 2025, "local", date(2026, 1, 20), 200_000_000),
        payment("KB5", "DA2", 2026, None, date(2026, 1, 15), 50_000_000),
    ]:
        drop(landing, "payments", str(p["paid_at"]), [p], name=p["payment_id"], style="csv_vn_bom")
