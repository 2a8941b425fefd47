"""The scorecard report: Vietnamese number formats and the right numbers on the page."""

import re
from pathlib import Path

import duckdb
import pytest

from cchc.orchestration.publishing.report import sparkline, vn_number, vn_percent, write_report


def between(pattern: str, html: str) -> str:
    """The first group of `pattern` in the page; the test fails here if it is absent."""
    found = re.search(pattern, html, re.S)
    assert found, pattern
    return found.group(1)


@pytest.mark.parametrize(("value", "text"), [(0.0914, "9,14 %"), (1.0, "100,00 %"), (None, "—")])
def test_vn_percent(value, text):
    assert vn_percent(value) == text


def test_vn_number():
    assert vn_number(1_234_567) == "1.234.567"
    assert sparkline([0.1, None, 0.3]).startswith("<svg")


def test_report_shows_the_snapshot_numbers(tmp_path: Path):
    snapshot = tmp_path / "s.duckdb"
    with duckdb.connect(str(snapshot)) as con:
        con.execute("create schema marts")
        con.execute(
            "create table marts.dim_agency as select 'H31.02' as agency_code,"
            " 'Sở Tài chính' as agency_name"
        )
        con.execute(
            "create table marts.dim_indicator as select 'on_time_rate' as indicator_code,"
            " 'Hồ sơ giải quyết đúng hạn' as indicator_name, 1 as sort_order"
        )
        con.execute("""create table marts.indicator_scorecard as
            select * from (values
              (date '2026-01-01', 'year', 'province', 'on_time_rate', 49.0, 50.0, 0.98, 0.98,
               'not_met', 'Chưa đạt'),
              (date '2026-01-01', 'year', 'H31.02', 'on_time_rate', 49.0, 50.0, 0.98, 0.98,
               'not_met', 'Chưa đạt'),
              (date '2026-01-01', 'month', 'province', 'on_time_rate', 9.0, 10.0, 0.9, 0.98,
               'not_met', 'Chưa đạt'),
              (date '2026-02-01', 'month', 'province', 'on_time_rate', 40.0, 40.0, 1.0, 0.98,
               'met', 'Đạt'))
            t(period_start, period_type, scope, indicator_code, numerator, denominator,
              value, target, status, status_label)""")
        con.execute("""create table marts.fct_disbursement_monthly as select * from (values
              (date '2026-01-01', 2026, 1000000000, 100000000),
              (date '2026-02-01', 2026, 1000000000, 250000000))
            t(month, plan_year, plan_amount, disbursed_amount)""")
        con.execute("""create table marts.fct_headcount_reduction as select * from (values
              (date '2026-06-30', 'province', 'civil_servant', 'Công chức', 1838, 1670,
               168 / 1838))
            t(snapshot_date, agency_code, staff_category, staff_category_label, baseline_quota,
              quota, quota_reduction_rate)""")
        con.execute(
            "create table marts.source_freshness as select date '2026-02-20' as latest_extract_date"
        )
        con.execute("""create table marts.fct_service_index_monthly as select * from (values
              (date '2026-02-01', 'province', 'Đồng bộ kịp thời', 'Công khai, minh bạch', 0.5,
               18.0, 9.0, 9.0),
              (date '2026-02-01', 'province', 'Đúng hạn', 'Tiến độ giải quyết', 0.99, 82.0,
               80.5, 1.5),
              (date '2026-02-01', 'H31.02', 'Đúng hạn', 'Tiến độ giải quyết', 0.99, 100.0,
               70.26, 29.74))
            t(month, scope, sub_indicator_name, group_name, value, points_max, points_earned,
              points_lost)""")
        con.execute("""create table marts.fct_indicator_forecast as select * from (values
              (date '2026-02-20', 'province', 'on_time_rate', date '2026-12-31', 0.975, 0.97,
               0.985, 0.98, 'at_risk', 'Có nguy cơ không đạt'))
            t(as_of_date, scope, indicator_code, period_end, projected_value, lower, upper,
              target, risk, risk_label)""")
    html = write_report(snapshot, tmp_path / "report").read_text()
    assert "Kết quả cải cách hành chính năm 2026" in html
    assert "Số liệu đến ngày 20/02/2026" in html
    row = between(r'data-indicator="on_time_rate">(.*?)</tr>', html)
    assert "98,00 %" in row and "Chưa đạt" in row and "49 / 50" in row
    assert "250.000.000 đồng" in html and "25,00 %" in html  # disbursement
    assert "9,14 %" in html and "1.838" in html and "Công chức" in html  # headcount
    assert "Sở Tài chính" in html and "<svg" in html
    assert "http" not in html.replace('lang="vi"', "")  # self-contained: nothing to fetch
    # the 766-style estimate, said to be one, with the points lost
    index = between(r'id="service-index">(.*?)</section>', html)
    assert "Ước tính từ dữ liệu của tỉnh" in index and "89,5/100 điểm" in index
    assert index.index("Đồng bộ kịp thời") < index.index("Đúng hạn")  # most points lost first
    assert "9,0 / 18" in index and "70,3" in index  # Sở Tài chính's estimate
    forecast = between(r'id="forecast">(.*?)</section>', html)
    assert "Dự báo cuối năm" in forecast and "97,50 %" in forecast
    assert "97,00 % – 98,50 %" in forecast and "Có nguy cơ không đạt" in forecast
    assert 'href="bao_cao_cchc.xlsx"' in html
