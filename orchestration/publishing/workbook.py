"""The Excel workbook of each publish (`report/bao_cao_cchc.xlsx`): the report the province
sends, in the form it sends it.

Four sheets, in Vietnamese: the province scorecard for the month, quarter and year to date
of the data-through date; each indicator's agency ranking for the year; disbursement of the
current plan year by investor and project; quotas and headcount by staff category. Figures
are numbers, not text, so that a reader can total them; their formats carry the Vietnamese
locale tag, so Excel on a Vietnamese system shows 9,14 % and 1.234.567 đồng. Headers are
frozen and columns sized to their content.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import xlsxwriter

from cchc.orchestration.warehouse import one_row

WORKBOOK_NAME = "bao_cao_cchc.xlsx"
#: Vietnamese (LCID 0x042A): Excel formats dates and separators as Vietnamese.
_VN = "[$-42A]"
PERCENT = f"{_VN}0.00 %"
AMOUNT = f'{_VN}#,##0 "đồng"'
COUNT = f"{_VN}#,##0"
DAY = f"{_VN}dd/mm/yyyy"


@dataclass(frozen=True)
class Sheet:
    """One sheet: a title line, then a header row and rows; `formats` per column."""

    name: str
    title: str
    headers: tuple[str, ...]
    formats: tuple[str | None, ...]
    rows: list[tuple[Any, ...]]


def write_workbook(snapshot: Path, path: Path) -> Path:
    """Write the workbook of the published `snapshot` to `path`."""
    with duckdb.connect(str(snapshot), read_only=True) as con:
        sheets = _sheets(con)
    path.parent.mkdir(parents=True, exist_ok=True)
    book = xlsxwriter.Workbook(str(path), {"remove_timezone": True})
    bold = book.add_format(
        {"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#E8EEF7"}
    )
    title = book.add_format({"bold": True, "font_size": 13})
    cached: dict[str, Any] = {}
    for sheet in sheets:
        ws = book.add_worksheet(sheet.name)
        ws.write(0, 0, sheet.title, title)
        ws.write_row(2, 0, sheet.headers, bold)
        ws.freeze_panes(3, 0)
        for r, row in enumerate(sheet.rows, start=3):
            for c, value in enumerate(row):
                fmt = sheet.formats[c]
                if fmt and fmt not in cached:
                    cached[fmt] = book.add_format({"num_format": fmt})
                ws.write(r, c, value, cached.get(fmt) if fmt else None)
        for c, header in enumerate(sheet.headers):
            ws.set_column(c, c, _width(header, [row[c] for row in sheet.rows], sheet.formats[c]))
        ws.autofilter(2, 0, 2 + len(sheet.rows), len(sheet.headers) - 1)
    book.close()
    return path


def _width(header: str, values: list[Any], fmt: str | None) -> float:
    """Characters a column needs: its longest value as shown, or its header's longest word."""
    shown = [_shown_length(v, fmt) for v in values if v is not None]
    longest_word = max((len(w) for w in header.split()), default=8)
    return min(60, max([longest_word + 2, len(header) / 2 + 2, *shown]) + 1)


def _shown_length(value: Any, fmt: str | None) -> int:
    """Length of a value as Excel shows it: amounts with separators and "đồng", rates and
    dates in about ten characters, text as it is."""
    if fmt == AMOUNT and isinstance(value, int | float):
        return len(f"{value:,.0f}") + 6
    if isinstance(value, float | date):
        return 10
    return len(str(value))


def _sheets(con: duckdb.DuckDBPyConnection) -> list[Sheet]:
    (through,) = one_row(con, "select max(latest_extract_date) from marts.source_freshness")
    through = through or date.today()
    month = date(through.year, through.month, 1)
    quarter = date(through.year, (through.month - 1) // 3 * 3 + 1, 1)
    year = date(through.year, 1, 1)
    q = (through.month - 1) // 3 + 1
    return [
        Sheet(
            "Tổng hợp",
            f"Kết quả thực hiện chỉ tiêu CCHC năm {through.year} — số liệu đến {through:%d/%m/%Y}",
            (
                "Mã chỉ tiêu",
                "Chỉ tiêu",
                f"Tháng {through:%m/%Y}",
                f"Quý {q}/{through.year}",
                f"Lũy kế năm {through.year}",
                "Chỉ tiêu kế hoạch",
                "Đánh giá (lũy kế năm)",
                "Tử số (năm)",
                "Mẫu số (năm)",
                "Căn cứ",
            ),
            (None, None, PERCENT, PERCENT, PERCENT, PERCENT, None, COUNT, COUNT, None),
            con.execute(
                """
                select
                    i.indicator_code,
                    i.indicator_name,
                    m.value,
                    q.value,
                    y.value,
                    y.target,
                    y.status_label,
                    y.numerator,
                    y.denominator,
                    coalesce(y.target_source, i.plan_source)
                from marts.dim_indicator i
                left join marts.indicator_scorecard m on m.indicator_code = i.indicator_code
                    and m.scope = 'province' and m.period_type = 'month' and m.period_start = $1
                left join marts.indicator_scorecard q on q.indicator_code = i.indicator_code
                    and q.scope = 'province' and q.period_type = 'quarter'
                    and q.period_start = $2
                left join marts.indicator_scorecard y on y.indicator_code = i.indicator_code
                    and y.scope = 'province' and y.period_type = 'year' and y.period_start = $3
                order by i.sort_order
                """,
                [month, quarter, year],
            ).fetchall(),
        ),
        Sheet(
            "Xếp hạng đơn vị",
            f"Xếp hạng đơn vị theo từng chỉ tiêu, lũy kế năm {through.year}",
            ("Chỉ tiêu", "Hạng", "Mã đơn vị", "Tên đơn vị", "Kết quả", "Mẫu số", "Đánh giá"),
            (None, None, None, None, PERCENT, COUNT, None),
            con.execute(
                """
                select
                    i.indicator_name,
                    cast(rank() over (partition by s.indicator_code order by s.value desc)
                        as integer),
                    s.scope,
                    a.agency_name,
                    s.value,
                    s.denominator,
                    s.status_label
                from marts.indicator_scorecard s
                join marts.dim_indicator i using (indicator_code)
                left join marts.dim_agency a on a.agency_code = s.scope
                where s.scope <> 'province' and s.period_type = 'year' and s.period_start = $1
                    and s.value is not null
                order by i.sort_order, s.value desc, s.scope
                """,
                [year],
            ).fetchall(),
        ),
        _disbursement(con),
        Sheet(
            "Biên chế",
            "Biên chế được giao và số có mặt theo loại, kỳ số liệu mới nhất",
            (
                "Mã đơn vị",
                "Tên đơn vị",
                "Loại",
                "Ngày số liệu",
                "Ngày gốc so sánh",
                "Biên chế gốc",
                "Biên chế được giao",
                "Tỷ lệ tinh giản biên chế",
                "Số có mặt gốc",
                "Số có mặt",
            ),
            (None, None, None, DAY, DAY, COUNT, COUNT, PERCENT, COUNT, COUNT),
            con.execute(
                """
                select
                    h.agency_code,
                    case h.agency_code when 'province' then 'Toàn tỉnh' else a.agency_name end,
                    h.staff_category_label,
                    h.snapshot_date,
                    h.baseline_date,
                    h.baseline_quota,
                    h.quota,
                    h.quota_reduction_rate,
                    h.baseline_headcount,
                    h.headcount
                from marts.fct_headcount_reduction h
                left join marts.dim_agency a on a.agency_code = h.agency_code
                where h.snapshot_date = (
                    select max(snapshot_date) from marts.fct_headcount_reduction
                )
                order by h.agency_code <> 'province', h.agency_code, h.staff_category
                """
            ).fetchall(),
        ),
    ]


def _disbursement(con: duckdb.DuckDBPyConnection) -> Sheet:
    """Each plan line of the current plan year as of the latest month, investor by
    investor, each investor followed by its total."""
    (plan_year,) = one_row(
        con,
        "select max(plan_year) from marts.fct_disbursement_monthly"
        " where month >= make_date(plan_year, 1, 1)",
    )
    lines = con.execute(
        """
        select
            d.investor_code,
            a.agency_name,
            d.project_code,
            d.capital_source_label,
            d.plan_amount,
            d.disbursed_amount,
            d.disbursement_rate
        from marts.fct_disbursement_monthly d
        left join marts.dim_agency a on a.agency_code = d.investor_code
        where d.plan_year = $1 and d.month = (
            select max(month) from marts.fct_disbursement_monthly where plan_year = $1
        )
        order by d.investor_code, d.project_code, d.capital_source
        """,
        [plan_year],
    ).fetchall()
    rows: list[tuple[Any, ...]] = []
    for investor in dict.fromkeys(line[0] for line in lines):
        own = [line for line in lines if line[0] == investor]
        rows += own
        plan, paid = sum(line[4] or 0 for line in own), sum(line[5] or 0 for line in own)
        rows.append(
            (
                investor,
                own[0][1],
                "Cộng chủ đầu tư",
                None,
                plan,
                paid,
                paid / plan if plan else None,
            )
        )
    plan, paid = sum(line[4] or 0 for line in lines), sum(line[5] or 0 for line in lines)
    rows.append(("Toàn tỉnh", None, "Tổng cộng", None, plan, paid, paid / plan if plan else None))
    return Sheet(
        "Giải ngân",
        f"Giải ngân vốn đầu tư công kế hoạch năm {plan_year} theo chủ đầu tư và dự án",
        (
            "Mã chủ đầu tư",
            "Chủ đầu tư",
            "Mã dự án",
            "Nguồn vốn",
            "Kế hoạch vốn (đồng)",
            "Đã giải ngân (đồng)",
            "Tỷ lệ giải ngân",
        ),
        (None, None, None, None, AMOUNT, AMOUNT, PERCENT),
        rows,
    )
