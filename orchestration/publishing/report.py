"""The scorecard report leaders read: one self-contained HTML page next to the snapshot.

Built from the published snapshot only (never the working warehouse), with inline SVG
charts, so it opens offline on a phone. Numbers use Vietnamese formats (9,14 %;
1.234.567 đồng).
"""

from __future__ import annotations

from pathlib import Path

import duckdb
from jinja2 import Environment, FileSystemLoader, select_autoescape

from cchc.orchestration.publishing.workbook import WORKBOOK_NAME
from cchc.orchestration.warehouse import one_row

#: Shown for an indicator with no scorecard row for the year (labels live in the marts).
NO_ROW = (None, None, "no_data", "Chưa có số liệu", None, None)


def vn_percent(value: float | None, digits: int = 2) -> str:
    """0.0914 → '9,14 %'."""
    if value is None:
        return "—"
    return f"{value * 100:.{digits}f}".replace(".", ",") + " %"


def vn_number(value: float | None, digits: int = 0) -> str:
    """1234567 → '1.234.567'; 61.5 with one digit → '61,5'."""
    if value is None:
        return "—"
    text = f"{value:,.{digits}f}"
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


def sparkline(values: list[float | None], width: int = 140, height: int = 32) -> str:
    points = [(i, v) for i, v in enumerate(values) if v is not None]
    if len(points) < 2:
        return ""
    lo, hi = min(v for _, v in points), max(v for _, v in points)
    span = (hi - lo) or 1
    step = width / (len(values) - 1)
    path = " ".join(
        f"{i * step:.1f},{height - 2 - (v - lo) / span * (height - 4):.1f}" for i, v in points
    )
    return (
        f'<svg class="spark" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img"><polyline points="{path}"/></svg>'
    )


def s_curve(rows: list[tuple], width: int = 640, height: int = 300) -> str:
    """Cumulative disbursement (line) against the plan in force (dashed) by month, with a
    y-axis in billions of đồng; labels sized to stay readable on a phone (the chart is
    drawn at 640 units and shown about 350 px wide)."""
    if not rows:
        return ""
    top = max(max(p or 0, d or 0) for _, p, d in rows) or 1
    left, bottom = 90, 40
    step = (width - left - 20) / max(len(rows) - 1, 1)

    def y(v: float) -> float:
        return height - bottom - v / top * (height - bottom - 20)

    def xy(i: int, v: float) -> str:
        return f"{left + i * step:.1f},{y(v):.1f}"

    plan = " ".join(xy(i, p or 0) for i, (_, p, _) in enumerate(rows))
    paid = " ".join(xy(i, d or 0) for i, (_, _, d) in enumerate(rows))
    every = max(1, -(-len(rows) // 4))  # at most 4 month labels
    labels = "".join(
        f'<text x="{left + i * step:.1f}" y="{height - 10}" class="axis"'
        f' text-anchor="middle">{m:%m/%Y}</text>'
        for i, (m, _, _) in enumerate(rows)
        if i % every == 0
    )
    ticks = "".join(
        f'<line x1="{left}" x2="{width - 20}" y1="{y(top * f):.1f}" y2="{y(top * f):.1f}"'
        f' class="grid"/><text x="{left - 8}" y="{y(top * f) + 6:.1f}" class="axis"'
        f' text-anchor="end">{vn_number(top * f / 1e9, 0)}</text>'
        for f in (0, 0.25, 0.5, 0.75, 1)
    )
    return (
        f'<svg viewBox="0 0 {width} {height}" class="chart" role="img" '
        f'aria-label="Giải ngân lũy kế so với kế hoạch (tỷ đồng)">'
        f"{ticks}"
        f'<polyline class="plan" points="{plan}"/><polyline class="paid" points="{paid}"/>'
        f"{labels}</svg>"
    )


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[tuple]:
    return con.execute(sql, params or []).fetchall()


def build_context(snapshot: Path) -> dict:
    with duckdb.connect(str(snapshot), read_only=True) as con:
        # the year of the data-through date: one outlying date must not choose the period
        (year,) = one_row(
            con,
            "select coalesce((select year(max(latest_extract_date))"
            " from marts.source_freshness), (select max(year(period_start))"
            " from marts.indicator_scorecard where period_type = 'year'))",
        )
        names = dict(_rows(con, "select agency_code, agency_name from marts.dim_agency"))
        indicators = _rows(
            con,
            "select indicator_code, indicator_name from marts.dim_indicator order by sort_order",
        )
        # three queries for every indicator at once, not three per indicator
        yearly = {
            code: row
            for code, *row in _rows(
                con,
                "select indicator_code, value, target, status, status_label, numerator,"
                " denominator from marts.indicator_scorecard where scope = 'province' and"
                " period_type = 'year' and year(period_start) = ?",
                [year],
            )
        }
        trends: dict[str, list] = {}
        for code, value in _rows(
            con,
            "select indicator_code, value from marts.indicator_scorecard where scope ="
            " 'province' and period_type = 'month' and period_start >= make_date(? - 1, 1, 1)"
            " order by indicator_code, period_start",
            [year],
        ):
            trends.setdefault(code, []).append(value)
        ranked: dict[str, list] = {}
        for code, scope, value, count in _rows(
            con,
            "select indicator_code, scope, value, denominator from marts.indicator_scorecard"
            " where scope <> 'province' and period_type = 'year' and year(period_start) = ?"
            " and value is not null order by indicator_code, value desc, scope",
            [year],
        ):
            ranked.setdefault(code, []).append((scope, value, count))
        scorecard = []
        for code, label in indicators:
            value, target, status, status_label, num, den = yearly.get(code) or NO_ROW
            scorecard.append(
                {
                    "code": code,
                    "label": label,
                    "value": vn_percent(value),
                    "target": vn_percent(target, 0) if target is not None else "—",
                    "status": status,
                    "status_label": status_label,
                    "detail": f"{vn_number(num)} / {vn_number(den)}" if den else "",
                    "spark": sparkline(trends.get(code, [])),
                }
            )
        rankings = [
            {
                "label": label,
                "rows": [
                    {
                        "rank": i + 1,
                        "name": names.get(s, s),
                        "code": s,
                        "value": vn_percent(v),
                        "count": vn_number(d),
                    }
                    for i, (s, v, d) in enumerate(ranked[code])
                ],
            }
            for code, label in indicators
            if code in ranked
        ]
        plan_year = one_row(
            con,
            "select max(plan_year) from marts.fct_disbursement_monthly"
            " where month >= make_date(plan_year, 1, 1)",
        )[0]
        curve = _rows(
            con,
            "select month, sum(plan_amount), sum(disbursed_amount) from"
            " marts.fct_disbursement_monthly where plan_year = ? group by month"
            " order by month",
            [plan_year],
        )
        headcount = [
            {
                "category": c,
                "baseline": vn_number(bq),
                "quota": vn_number(q),
                "rate": vn_percent(r),
                "bar": max(0.0, min(1.0, (r or 0) * 5)),
            }
            for c, bq, q, r in _rows(
                con,
                "select staff_category_label, baseline_quota, quota, quota_reduction_rate from"
                " marts.fct_headcount_reduction where agency_code = 'province' and"
                " snapshot_date = (select max(snapshot_date) from marts.fct_headcount_reduction)"
                " order by staff_category",
            )
        ]
        (data_through,) = one_row(
            con, "select max(latest_extract_date) from marts.source_freshness"
        )
        service_index = _service_index(con, names)
        forecast = _forecast(con)
    last = curve[-1] if curve else None
    return {
        "year": year,
        "data_through": f"{data_through:%d/%m/%Y}" if data_through else "—",
        "scorecard": scorecard,
        "rankings": rankings,
        "plan_year": plan_year,
        "curve": s_curve(curve),
        "disbursed": vn_number(last[2]) if last else "—",
        "planned": vn_number(last[1]) if last else "—",
        "disbursed_rate": vn_percent(last[2] / last[1]) if last and last[1] else "—",
        "headcount": headcount,
        "workbook": WORKBOOK_NAME,
        "service_index": service_index,
        "forecast": forecast,
    }


def _service_index(con: duckdb.DuckDBPyConnection, names: dict[str, str]) -> dict | None:
    """The latest month's estimated 766 score: the province's, each agency's, and the five
    sub-indicators losing the province the most points."""
    (month,) = one_row(con, "select max(month) from marts.fct_service_index_monthly")
    if month is None:
        return None
    scores = _rows(
        con,
        "select scope, sum(points_earned) from marts.fct_service_index_monthly"
        " where month = ? group by scope order by 2 desc, scope",
        [month],
    )
    lost = _rows(
        con,
        "select sub_indicator_name, group_name, value, points_lost, points_max"
        " from marts.fct_service_index_monthly where month = ? and scope = 'province'"
        " order by points_lost desc, sub_indicator_name limit 5",
        [month],
    )
    province = next((s for scope, s in scores if scope == "province"), None)
    return {
        "month": f"{month:%m/%Y}",
        "province": vn_number(province, 1) if province is not None else "—",
        "agencies": [
            {"name": names.get(scope, scope), "code": scope, "score": vn_number(score, 1)}
            for scope, score in scores
            if scope != "province"
        ],
        "lost": [
            {
                "name": name,
                "group": group,
                "value": vn_percent(value),
                "lost": vn_number(points_lost, 1),
                "max": vn_number(points_max, 0),
            }
            for name, group, value, points_lost, points_max in lost
        ],
    }


def _forecast(con: duckdb.DuckDBPyConnection) -> dict | None:
    """The province's latest forecast of every indicator the plan sets a target for."""
    (as_of,) = one_row(
        con, "select max(as_of_date) from marts.fct_indicator_forecast where scope = 'province'"
    )
    if as_of is None:
        return None
    rows = _rows(
        con,
        "select i.indicator_name, f.period_end, f.projected_value, f.lower, f.upper, f.target,"
        " f.risk, f.risk_label, f.as_of_date from marts.dim_indicator i"
        " join marts.fct_indicator_forecast f using (indicator_code)"
        " where f.scope = 'province' and f.target is not null"
        " and f.period_end >= make_date(year(?::date), 12, 31)"
        " qualify f.as_of_date = max(f.as_of_date) over (partition by f.indicator_code)"
        " order by i.sort_order",
        [as_of],
    )
    return {
        "as_of": f"{as_of:%d/%m/%Y}",
        "rows": [
            {
                "label": label,
                "period_end": f"{end:%d/%m/%Y}",
                "projected": vn_percent(projected),
                "interval": f"{vn_percent(lower)} – {vn_percent(upper)}",
                "target": vn_percent(target, 0),
                "risk": risk,
                "risk_label": risk_label,
                "as_of": f"{day:%d/%m/%Y}",
            }
            for label, end, projected, lower, upper, target, risk, risk_label, day in rows
        ],
    }


def write_report(snapshot: Path, out_dir: Path) -> Path:
    """Render `out_dir/index.html` from the snapshot at `snapshot`."""
    env = Environment(
        loader=FileSystemLoader(Path(__file__).with_name("templates")),
        autoescape=select_autoescape(["html", "j2"]),
    )
    html = env.get_template("report.html.j2").render(**build_context(snapshot))
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "index.html"
    path.write_text(html, encoding="utf-8")
    return path
