"""How wrong has the year-end forecast been? Every forecast made at the end of a month of a
finished year (`marts.fct_indicator_forecast`) against what the year turned out to be (the
scorecard's year value; for disbursement, as of 31 January of the next year).

    python bench/forecast_backtest.py [published DuckDB file, default data/published/cchc.duckdb]

Prints, per measure and months left to the period's end, the number of forecasts, the
mean absolute error in percentage points (projected against actual) beside that of the
naive forecast "the year ends where it stands" (the value to date), and the share of
actual values inside the interval. A forecast counts when its year is over in the data
and the data cover all of it.
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb

QUERY = """
with forecasts as (
    select f.*, i.measure
    from marts.fct_indicator_forecast f
    join marts.dim_indicator i using (indicator_code)
),

data_through as (
    select max(latest_extract_date) as day from marts.source_freshness
),

-- a year counts when the daily data cover all of it (forecasts from January on)
first_month as (
    select min(month) as month from marts.fct_dossier_monthly
),

actuals as (
    select scope, indicator_code, period_start, value as actual
    from marts.indicator_scorecard
    where period_type = 'year' and value is not null
)

select
    forecasts.measure,
    date_diff('month', forecasts.as_of_date, forecasts.period_end) as months_left,
    count(*) as forecasts,
    avg(abs(forecasts.projected_value - actuals.actual)) * 100 as mae_points,
    avg(abs(forecasts.current_value - actuals.actual)) * 100 as naive_mae_points,
    avg(case when actuals.actual between forecasts.lower - 1e-9 and forecasts.upper + 1e-9
        then 1.0 else 0.0 end) as inside_interval
from forecasts
join actuals
    on actuals.scope = forecasts.scope
    and actuals.indicator_code = forecasts.indicator_code
    and actuals.period_start = make_date(year(forecasts.period_end)
        - case when forecasts.measure = 'cumulative' then 1 else 0 end, 1, 1)
where forecasts.period_end <= (select day from data_through)
    and forecasts.as_of_date < forecasts.period_end
    and make_date(year(forecasts.period_end)
        - case when forecasts.measure = 'cumulative' then 1 else 0 end, 1, 1)
        >= (select month from first_month)
group by all
order by 1, 2 desc
"""


def main() -> None:
    path = Path(sys.argv[1] if len(sys.argv) > 1 else "data/published/cchc.duckdb")
    with duckdb.connect(str(path), read_only=True) as con:
        rows = con.execute(QUERY).fetchall()
    if not rows:
        print("no finished year in the data: nothing to compare yet")
        return
    print("| measure | months left | forecasts | MAE (points) | naive MAE | inside interval |")
    print("|---|---|---|---|---|---|")
    for measure, left, count, mae, naive, inside in rows:
        print(f"| {measure} | {left} | {count} | {mae:.2f} | {naive:.2f} | {inside:.0%} |")


if __name__ == "__main__":
    main()
