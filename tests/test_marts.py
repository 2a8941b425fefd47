"""Every mart number of the hand-made province (tests/fixture_province.py), by hand."""

import shutil
import zipfile
from datetime import date

import dagster as dg
import duckdb
import polars as pl
import pytest

from cchc.orchestration.pipeline import run
from cchc.orchestration.publishing.workbook import WORKBOOK_NAME
from cchc.orchestration.settings import load_settings
from tests import fixture_province


@pytest.fixture(scope="module")
def province(tmp_path_factory):
    """The hand-made province loaded, checked and published once for the module."""
    root = tmp_path_factory.mktemp("province")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CCHC_DATA_DIR", str(root / "data"))
        settings = load_settings()
        fixture_province.write(settings.landing_dir)
        outcome = run(settings, dg.DagsterInstance.ephemeral())
        assert outcome.success, outcome.failures
        yield settings


@pytest.fixture(scope="module")
def warehouse(province):
    con = duckdb.connect(str(province.warehouse), read_only=True)
    yield con
    con.close()


def one(con, sql: str, *params):
    rows = con.execute(sql, list(params)).fetchall()
    assert len(rows) == 1, rows
    return rows[0]


def dossier_month(con, month: str, agency: str, level: str) -> dict:
    cur = con.execute(
        "select * from marts.fct_dossier_monthly where month = ? and agency_code = ?"
        " and procedure_level = ?",
        [month, agency, level],
    )
    names = [d[0] for d in cur.description]
    rows = cur.fetchall()
    assert len(rows) == 1, rows
    return dict(zip(names, rows[0], strict=True))


def test_province_level_january(warehouse):
    # D1..D5 at Sở Tài chính (D3 via the merger chain H57.41 → H57.01 → H31.02); D4 withdrawn.
    m = dossier_month(warehouse, "2026-01-01", "H31.02", "province")
    assert m["received_count"] == 4  # D1 D2 D3 D5
    assert (m["online_eligible_count"], m["online_count"]) == (3, 2)  # partial: D1 D2 D5
    assert m["online_rate"] == pytest.approx(2 / 3)
    assert (m["full_online_eligible_count"], m["full_online_rate"]) == (0, None)
    assert m["completed_count"] == 3  # D1 D2 D3 (D5 completes in February)
    assert m["on_time_count"] == 1  # D1, completed on its (bare-date) due day
    assert m["on_time_rate"] == pytest.approx(1 / 3)
    assert (m["late_count"], m["apology_count"], m["apology_rate"]) == (2, 1, 0.5)
    assert (m["digitized_count"], m["digitization_rate"]) == (3, 0.75)  # D1 D3 D5
    assert m["result_digitized_count"] == 1
    assert m["result_digitization_rate"] == pytest.approx(1 / 3)
    assert (m["fee_dossier_count"], m["online_payment_rate"]) == (0, None)
    assert (m["rated_count"], m["satisfied_count"], m["satisfaction_rate"]) == (2, 1, 0.5)


def test_completion_counts_in_month_of_completion(warehouse):
    m = dossier_month(warehouse, "2026-02-01", "H31.02", "province")
    assert (m["received_count"], m["completed_count"], m["on_time_count"]) == (0, 1, 1)
    assert (m["rated_count"], m["satisfied_count"], m["satisfaction_rate"]) == (1, 1, 1.0)
    assert (m["online_rate"], m["digitization_rate"]) == (None, None)


def test_commune_level_january_latest_version_and_exclusions(warehouse):
    # D7 processing, D8 completed exactly at due_at (its latest version), D9 cancelled.
    m = dossier_month(warehouse, "2026-01-01", "H31.101", "commune")
    assert m["received_count"] == 2
    assert (m["full_online_eligible_count"], m["full_online_count"]) == (2, 1)
    assert m["full_online_rate"] == 0.5
    assert (m["completed_count"], m["on_time_count"], m["on_time_rate"]) == (1, 1, 1.0)
    assert (m["fee_dossier_count"], m["online_payment_count"]) == (2, 1)
    assert m["online_payment_rate"] == 0.5
    assert (m["digitized_count"], m["late_count"], m["apology_rate"]) == (1, 0, None)


def test_merged_commune_history_counts_to_successor(warehouse):
    m = dossier_month(warehouse, "2025-06-01", "H31.101", "commune")
    assert (m["received_count"], m["full_online_count"], m["online_payment_count"]) == (1, 1, 1)
    assert warehouse.execute(
        "select count(*) from marts.fct_dossier_monthly where agency_code like 'H31.D01%'"
        " or agency_code like 'H57%'"
    ).fetchone() == (0,)


def test_dim_agency_maps_every_unit_to_todays_unit(warehouse):
    rows = dict(
        warehouse.execute(
            "select agency_code, current_agency_code from marts.dim_agency"
        ).fetchall()
    )
    assert rows == {
        "H31.02": "H31.02",
        "H57.01": "H31.02",
        "H57.41": "H31.02",
        "H31.D01": "H31.101",
        "H31.D01.01": "H31.101",
        "H31.101": "H31.101",
        "province": "province",  # the province totals' row
    }
    current = {
        c
        for (c,) in warehouse.execute(
            "select agency_code from marts.dim_agency where is_current"
        ).fetchall()
    }
    assert current == {"H31.02", "H31.101", "province"}


def test_signed_documents(warehouse):
    row = one(
        warehouse,
        "select document_count, electronic_count, fully_signed_count,"
        " signed_document_rate from marts.fct_signed_document_monthly",
    )
    assert row[:3] == (3, 2, 1)  # the secret document counts nowhere
    assert row[3] == pytest.approx(1 / 3)


def test_headcount_reduction_1838_minus_168(warehouse):
    row = one(
        warehouse,
        "select baseline_date, baseline_quota, quota, quota_reduction,"
        " quota_reduction_rate, baseline_headcount, headcount,"
        " headcount_reduction, headcount_reduction_rate"
        " from marts.fct_headcount_reduction where agency_code = 'H31.02'"
        " and snapshot_date = '2026-06-30' and staff_category = 'civil_servant'",
    )
    assert row[:4] == (date(2025, 12, 31), 1838, 1670, 168)
    assert round(row[4], 4) == 0.0914  # 9.14 %
    assert row[5:8] == (1800, 1700, 100)
    assert row[8] == pytest.approx(100 / 1800)
    province = one(
        warehouse,
        "select baseline_quota, quota, quota_reduction_rate"
        " from marts.fct_headcount_reduction where agency_code ="
        " 'province' and snapshot_date = '2026-06-30' and staff_category = 'civil_servant'",
    )
    assert province[:2] == (1878, 1708)
    assert province[2] == pytest.approx(170 / 1878)


@pytest.mark.parametrize(
    ("month", "plan", "disbursed"),
    [
        ("2024-12-01", 1_000_000_000, 0),
        ("2025-03-01", 1_000_000_000, 100_000_000),
        ("2025-07-01", 800_000_000, 100_000_000),  # plan adjusted on 10 July
        ("2025-08-01", 800_000_000, 400_000_000),
        ("2025-11-01", 800_000_000, 350_000_000),  # a refund
        ("2026-01-01", 800_000_000, 550_000_000),  # a January payment of plan year 2025
        ("2026-06-01", 800_000_000, 550_000_000),
    ],
)
def test_disbursement_line(warehouse, month, plan, disbursed):
    row = one(
        warehouse,
        "select plan_amount, disbursed_amount, disbursement_rate"
        " from marts.fct_disbursement_monthly where project_code = 'DA1'"
        " and month = ?",
        month,
    )
    assert row == (plan, disbursed, pytest.approx(disbursed / plan))


def test_disbursement_rows_span_first_decision_to_latest_extract(warehouse):
    months = warehouse.execute(
        "select min(month), max(month), count(*)"
        " from marts.fct_disbursement_monthly"
        " where project_code = 'DA1'"
    ).fetchone()
    assert months == (date(2024, 12, 1), date(2026, 6, 1), 19)
    # the payment without a capital source belongs to DA2's only plan line
    assert one(
        warehouse,
        "select disbursed_amount from marts.fct_disbursement_monthly"
        " where project_code = 'DA2' and month = '2026-01-01'",
    ) == (50_000_000,)


def score(con, indicator, period_type, start, scope="province"):
    return one(
        con,
        "select numerator, denominator, value, target, status"
        " from marts.indicator_scorecard where indicator_code = ? and"
        " period_type = ? and period_start = ? and scope = ?",
        indicator,
        period_type,
        start,
        scope,
    )


def test_scorecard_recomputes_quarters_from_counts(warehouse):
    # Q1 2026 completed: D1 D2 D3 (Jan, H31.02), D8 (Jan, H31.101), D5 (Feb): 3 on time of 5.
    assert score(warehouse, "on_time_rate", "quarter", "2026-01-01") == (3, 5, 0.6, 0.98, "not_met")
    # monthly rates 1/3, 1/1 … averaged would not give 0.6
    assert score(warehouse, "on_time_rate", "month", "2026-01-01", "H31.02")[:3] == (
        1,
        3,
        pytest.approx(1 / 3),
    )
    assert score(warehouse, "full_online_rate", "year", "2026-01-01") == (1, 2, 0.5, 0.8, "not_met")
    assert score(warehouse, "satisfaction_rate", "quarter", "2026-01-01") == (
        2,
        3,
        pytest.approx(2 / 3),
        0.95,
        "not_met",
    )
    assert score(warehouse, "on_time_rate", "month", "2026-02-01")[4] == "met"  # 1 > 0.98


def test_scorecard_no_data_and_targets(warehouse):
    assert score(warehouse, "apology_rate", "month", "2026-01-01", "H31.101")[4] == "no_data"
    # a value without a plan target is no_target, not "no data"
    online = score(warehouse, "online_rate", "month", "2026-01-01")
    assert online[2] is not None and online[3:] == (None, "no_target")
    # 2025 has a value but no plan target in the seed
    assert score(warehouse, "on_time_rate", "month", "2025-06-01")[3:] == (None, "no_target")


def test_scorecard_headcount_and_disbursement(warehouse):
    # civil servants 1878 → 1708, public employees 470 → 460; year on year, no plan target
    assert score(warehouse, "headcount_reduction_rate", "year", "2026-01-01") == (
        180,
        2348,
        pytest.approx(180 / 2348),
        None,
        "no_target",
    )
    # plan year 2025 as of 31 January 2026, plan year 2026 as of the latest extract
    assert score(warehouse, "disbursement_rate", "year", "2025-01-01")[:3] == (
        550_000_000,
        800_000_000,
        0.6875,
    )
    assert score(warehouse, "disbursement_rate", "year", "2026-01-01") == (
        50_000_000,
        500_000_000,
        0.1,
        1.0,
        "not_met",
    )


def test_sync_and_vneid(warehouse):
    # January, Sở Tài chính: D1 D2 D3 D5 received; D1 (2 h) and D3 (23 h) reach the national
    # portal within a day of their latest change, D5 after 25 h, D2 never.
    m = dossier_month(warehouse, "2026-01-01", "H31.02", "province")
    assert (m["synced_count"], m["sync_rate"]) == (2, 0.5)
    # online and received: D1 (VNeID) and D5 (not); D4 is withdrawn
    assert (m["online_received_count"], m["vneid_count"], m["vneid_rate"]) == (2, 1, 0.5)
    c = dossier_month(warehouse, "2026-01-01", "H31.101", "commune")
    assert (c["synced_count"], c["online_received_count"], c["vneid_count"]) == (0, 1, 1)  # D7
    assert score(warehouse, "sync_rate", "month", "2026-01-01") == (2, 6, 1 / 3, 1.0, "not_met")
    assert score(warehouse, "vneid_rate", "month", "2026-01-01")[:3] == (2, 3, 2 / 3)
    # D6's file predates both columns: they read as blank, the row is loaded, not refused
    assert score(warehouse, "vneid_rate", "month", "2025-06-01", "H31.101")[:3] == (0, 1, 0.0)
    assert one(
        warehouse,
        "select synced_at, vneid_authenticated from staging.stg_dossiers where dossier_id = 'D6'",
    ) == (None, False)


def test_procedure_coverage_as_of_each_period_end(warehouse):
    cover = one(
        warehouse,
        "select full_online_coverage_rate, online_payment_coverage_rate, cross_boundary_count,"
        " procedure_count from marts.fct_procedure_coverage_monthly where month = '2026-01-01'",
    )
    assert cover == (0.5, 1.0, 2, 3)  # P_PART eligible but partial; P_PART not cross-boundary
    # the catalogue of 15/02/2026 makes P_PART cross-boundary: from February on, 3 of 3
    assert score(warehouse, "cross_boundary_rate", "month", "2026-01-01")[:3] == (2, 3, 2 / 3)
    assert score(warehouse, "cross_boundary_rate", "month", "2026-02-01") == (3, 3, 1, 1, "met")
    assert score(warehouse, "full_online_coverage_rate", "quarter", "2026-01-01") == (
        1,
        2,
        0.5,
        1.0,
        "not_met",
    )
    assert score(warehouse, "online_payment_coverage_rate", "year", "2026-01-01") == (
        1,
        1,
        1.0,
        0.85,
        "met",
    )
    # a catalogue indicator has the province scope only
    assert one(
        warehouse,
        "select count(*) from marts.indicator_scorecard"
        " where indicator_code = 'cross_boundary_rate' and scope <> 'province'",
    ) == (0,)


def test_work_records_by_level(warehouse):
    rows = warehouse.execute(
        "select month, agency_code, agency_level, record_count, online_count"
        " from marts.fct_work_record_monthly order by month, agency_code"
    ).fetchall()
    assert rows == [
        (date(2025, 5, 1), "H31.101", "commune", 1, 1),  # the abolished district's record
        (date(2026, 1, 1), "H31.02", "province", 3, 2),  # W4 is secret
        (date(2026, 1, 1), "H31.101", "commune", 2, 1),
    ]
    assert score(warehouse, "work_record_online_rate_province", "month", "2026-01-01") == (
        2,
        3,
        2 / 3,
        1.0,
        "not_met",
    )
    assert score(warehouse, "work_record_online_rate_commune", "quarter", "2026-01-01") == (
        1,
        2,
        0.5,
        0.7,
        "not_met",
    )
    commune_2025 = score(warehouse, "work_record_online_rate_commune", "year", "2025-01-01")
    assert commune_2025 == (1, 1, 1.0, None, "no_target")


def test_survey_satisfaction_by_sector(warehouse):
    # administration: 90/100 + 45/50; health and education: 30/40 + 54/60
    assert score(warehouse, "admin_satisfaction_rate", "quarter", "2026-01-01") == (
        135,
        150,
        0.9,
        0.91,
        "not_met",
    )
    assert score(warehouse, "public_service_satisfaction_rate", "month", "2026-03-01") == (
        84,
        100,
        0.84,
        0.86,
        "not_met",
    )
    assert score(warehouse, "admin_satisfaction_rate", "year", "2026-01-01", "H31.101")[:3] == (
        45,
        50,
        0.9,
    )


def test_quota_cuts_against_the_2021_baseline(warehouse):
    # 31/12/2021 civil servants: H31.02 1900 + H57.01 100 (→ H31.02), H31.D01 20 +
    # H31.D01.01 25 (→ H31.101): 2045. 30/06/2026: 1670 + 38 = 1708.
    assert score(warehouse, "quota_reduction_civil_servant", "year", "2026-01-01") == (
        337,
        2045,
        pytest.approx(337 / 2045),
        0.05,
        "met",
    )
    h31_101 = score(warehouse, "quota_reduction_civil_servant", "year", "2026-01-01", "H31.101")
    assert h31_101[:2] == (7, 45)
    # 2025's latest snapshot (31/12/2025: 1838 + 40); the plan sets no 2025 target
    assert score(warehouse, "quota_reduction_civil_servant", "year", "2025-01-01") == (
        167,
        2045,
        pytest.approx(167 / 2045),
        None,
        "no_target",
    )
    # public employees 500 → 460: 8 % of the 10 % asked
    assert score(warehouse, "quota_reduction_public_employee", "year", "2026-01-01") == (
        40,
        500,
        0.08,
        0.1,
        "not_met",
    )


def test_workbook_reads_back_the_marts(province, warehouse):
    """The Excel report of the publish: its figures are the marts', as numbers, with
    Vietnamese formats and frozen headers."""
    book = province.published_dir / "report" / WORKBOOK_NAME

    def sheet(name: str) -> pl.DataFrame:
        return pl.read_excel(book, sheet_name=name, read_options={"header_row": 2})

    summary = sheet("Tổng hợp")
    year = dict(zip(summary["Mã chỉ tiêu"], summary["Lũy kế năm 2026"], strict=True))
    expected = dict(
        warehouse.execute(
            "select indicator_code, value from marts.indicator_scorecard where scope ="
            " 'province' and period_type = 'year' and period_start = '2026-01-01'"
        ).fetchall()
    )
    codes = [
        c for (c,) in warehouse.execute("select indicator_code from marts.dim_indicator").fetchall()
    ]
    assert sorted(year) == sorted(codes)  # every indicator of the registry, once
    for code in codes:
        assert year[code] == pytest.approx(expected.get(code), nan_ok=True), code
    assert year["cross_boundary_rate"] == 1.0
    assert summary.filter(pl.col("Mã chỉ tiêu") == "quota_reduction_civil_servant")[
        "Tử số (năm)"
    ].to_list() == [337]
    # data through 30/06/2026: June and the second quarter
    assert {"Tháng 06/2026", "Quý 2/2026"} <= set(summary.columns)

    paid = sheet("Giải ngân")  # plan year 2026: DA2 only
    assert paid.rows()[0][2:] == (
        "DA2",
        "Ngân sách trung ương (NSTW)",
        500_000_000,
        50_000_000,
        0.1,
    )
    assert paid.rows()[-1][2:6] == ("Tổng cộng", None, 500_000_000, 50_000_000)

    staff = sheet("Biên chế").filter(pl.col("Mã đơn vị") == "province")
    assert dict(zip(staff["Loại"], staff["Biên chế được giao"], strict=True)) == {
        "Công chức": 1708,
        "Viên chức": 460,
    }
    ranking = sheet("Xếp hạng đơn vị")
    on_time = ranking.filter(pl.col("Chỉ tiêu") == "Hồ sơ giải quyết đúng hạn")
    assert on_time["Mã đơn vị"].to_list() == ["H31.101", "H31.02"]  # 1/1, then 2/4

    with zipfile.ZipFile(book) as xlsx:
        styles = xlsx.read("xl/styles.xml").decode()
        first_sheet = xlsx.read("xl/worksheets/sheet1.xml").decode()
    assert 'formatCode="[$-42A]0.00 %"' in styles
    assert "[$-42A]#,##0 &quot;đồng&quot;" in styles
    assert 'ySplit="3"' in first_sheet and 'state="frozen"' in first_sheet


def test_service_index_points_for_the_new_commune_in_january(warehouse):
    """H31.101, January 2026 (D7 open online with VNeID and cash; D8 completed on time in
    person, paid online; nothing synced; no late dossier; nothing rated)."""
    points = dict(
        warehouse.execute(
            "select sub_indicator_code, points_earned from marts.fct_service_index_monthly"
            " where month = '2026-01-01' and scope = 'H31.101'"
        ).fetchall()
    )
    assert points == {
        "sync_on_time": 0.0,  # 0 of 2, below 0.5
        "on_time": 14.0,  # 1 of 1
        "apology": 6.0,  # no late dossier: full points
        "full_online": 3.0,  # 1 of 2: 6 × (0.5 − 0.2) / 0.6
        "online_submission": 1.5,  # 1 of 2: 3 × (0.5 − 0.2) / 0.6
        "vneid": 3.0,  # D7
        "online_payment": 6.67,  # 1 of 2 with fees: 10 × (0.5 − 0.1) / 0.6
        "satisfaction": 18.0,  # nothing rated: full points
        "dossier_digitisation": 0.0,  # 1 of 2, at zero_at
        "result_digitisation": 0.0,
    }
    assert sum(points.values()) == pytest.approx(52.17)


def test_forecasts_by_measure(warehouse):
    def forecast(indicator: str, as_of: str, scope: str = "province"):
        return one(
            warehouse,
            "select period_end, projected_value, lower, upper, target, risk"
            " from marts.fct_indicator_forecast"
            " where indicator_code = ? and as_of_date = ? and scope = ?",
            indicator,
            as_of,
            scope,
        )

    # flow, as of 28/02/2026: 3 of 5 on time so far; recent 3-month rate 3/5; monthly rates
    # of the last 6 months 2/4 (January) and 1/1 (February); 306 of the year's days to come
    rest = 5 * 306 / 59
    end, projected, lower, upper, target, risk = forecast("on_time_rate", "2026-02-28")
    assert end == date(2026, 12, 31)
    assert projected == pytest.approx((3 + 0.6 * rest) / (5 + rest))
    assert lower == pytest.approx((3 + 0.5 * rest) / (5 + rest))
    assert upper == pytest.approx((3 + 1.0 * rest) / (5 + rest))
    assert (target, risk) == (0.98, "off_track")  # even 93.5 % misses 98 %
    # cumulative: plan year 2026's 50 M of 500 M paid in January; nothing since March (recent
    # pace 0), 50 M over 181 days on average; to 31/01/2027
    end, projected, lower, upper, target, risk = forecast("disbursement_rate", "2026-06-30")
    assert end == date(2027, 1, 31)
    assert projected == lower == pytest.approx(0.1)
    pace = 50_000_000 / (181 / 30.44)
    assert upper == pytest.approx((50_000_000 + pace * 215 / 30.44) / 500_000_000)
    assert risk == "off_track"
    # stock: the staffing cut of June stays where it is (no earlier snapshot in 3 months)
    end, projected, lower, upper, target, risk = forecast(
        "quota_reduction_civil_servant", "2026-06-30"
    )
    assert projected == lower == upper == pytest.approx(337 / 2045)
    assert (target, risk) == (0.05, "on_track")


def test_the_shape_test_names_each_broken_rule(province, tmp_path):
    """One dbt test per model (dbt_project/tests/generic/shape.sql), as dbt compiled it for
    the run, on a copy of the marts broken on purpose: each broken rule is one row."""
    (sql,) = province.dbt_target_dir.glob("compiled/**/shape_fct_dossier_monthly.sql")
    copy = tmp_path / "warehouse.duckdb"  # the catalog name the compiled SQL refers to
    shutil.copy(province.warehouse, copy)
    with duckdb.connect(str(copy)) as con:
        assert con.execute(sql.read_text()).fetchall() == []
        table = "marts.fct_dossier_monthly"
        con.execute(f"insert into {table} select * from {table} order by all limit 2")
        con.execute(
            f"insert into {table} select * replace (null as agency_code) from {table} limit 1"
        )
        con.execute(
            f"insert into {table} select * replace ('district' as procedure_level)"
            f" from {table} limit 1"
        )
        con.execute(f"update {table} set received_count = -3 where rowid = 0")
        found = set(con.execute(sql.read_text()).fetchall())
    assert found == {
        ("duplicate month × agency_code × procedure_level", 2),
        ("null agency_code", 1),
        ("unexpected procedure_level", 1),
        ("negative received_count", 1),
    }
