-- Year-end forecast of every indicator, made at the end of every month (the data-through
-- date for the current month), for the province and each agency. The method per measure
-- (registry column `measure`) is in docs/forecast.md; past forecasts stay for the backtest.
with scorecard as (
    select * from {{ ref('indicator_scorecard') }}
    where period_type = 'month'
),

registry as (
    select * from {{ ref('dim_indicator') }}
),

targets as (
    select * from {{ ref('plan_targets') }}
),

data_through as (
    select max(extract_date) as day from {{ source('audit', 'deliveries') }}
),

monthly as (
    select
        scorecard.scope,
        scorecard.indicator_code,
        registry.measure,
        registry.comparison,
        scorecard.period_start as month,
        year(scorecard.period_start) as year,
        scorecard.numerator,
        scorecard.denominator,
        scorecard.value,
        least(
            scorecard.period_end, (select data_through.day from data_through)
        ) as as_of_date
    from scorecard
    inner join registry on registry.indicator_code = scorecard.indicator_code
),

-- Flow: year to date, plus the recent 3-month rate over the rest of the year's expected
-- volume (the year to date's pace). Interval: the lowest and highest monthly rate of the
-- last 6 months.
flow_windows as (
    select
        *,
        sum(numerator) over year_to_date as ytd_numerator,
        sum(denominator) over year_to_date as ytd_denominator,
        sum(numerator) over last_3_months as recent_numerator,
        sum(denominator) over last_3_months as recent_denominator,
        min(value) over last_6_months as lowest_rate,
        max(value) over last_6_months as highest_rate
    from monthly
    where measure = 'flow'
    window
        year_to_date as (
            partition by scope, indicator_code, year order by month
            rows between unbounded preceding and current row
        ),
        last_3_months as (
            partition by scope, indicator_code order by month
            range between interval 2 month preceding and current row
        ),
        last_6_months as (
            partition by scope, indicator_code order by month
            range between interval 5 month preceding and current row
        )
),

flow_rest as (
    select
        *,
        coalesce(
            recent_numerator / nullif(recent_denominator, 0), ytd_numerator / ytd_denominator
        ) as recent_rate,
        -- the share of the year still to come, in days
        ytd_denominator
        * (make_date(year, 12, 31) - as_of_date)
        / (as_of_date - make_date(year, 1, 1) + 1) as rest_denominator
    from flow_windows
    where ytd_denominator > 0
),

flow_forecasts as (
    select
        as_of_date,
        scope,
        indicator_code,
        comparison,
        year,
        make_date(year, 12, 31) as period_end,
        ytd_numerator / ytd_denominator as current_value,
        (ytd_numerator + recent_rate * rest_denominator)
        / (ytd_denominator + rest_denominator) as projected_value,
        (ytd_numerator + least(recent_rate, coalesce(lowest_rate, recent_rate)) * rest_denominator)
        / (ytd_denominator + rest_denominator) as lower,
        (
            ytd_numerator
            + greatest(recent_rate, coalesce(highest_rate, recent_rate)) * rest_denominator
        )
        / (ytd_denominator + rest_denominator) as upper
    from flow_rest
),

-- Stock: a state changed by decisions (a catalogue, a staffing cut) in steps: it is
-- projected to stay where it is; the interval runs from there to the last 3 months' trend
-- extended to the year's end (a trend extended beyond a step misled the backtest).
stock_windows as (
    select
        *,
        first_value(value) over last_3_months as earlier_value,
        first_value(month) over last_3_months as earlier_month
    from monthly
    where measure = 'stock' and value is not null
    window last_3_months as (
        partition by scope, indicator_code order by month
        range between interval 3 month preceding and current row
    )
),

stock_projected as (
    select
        *,
        greatest(0, least(1, value + coalesce(
            (value - earlier_value) / nullif(date_diff('month', earlier_month, month), 0), 0
        ) * date_diff('month', month, make_date(year, 12, 1)))) as trend_value
    from stock_windows
),

stock_forecasts as (
    select
        as_of_date,
        scope,
        indicator_code,
        comparison,
        year,
        make_date(year, 12, 31) as period_end,
        value as current_value,
        value as projected_value,
        least(value, trend_value) as lower,
        greatest(value, trend_value) as upper
    from stock_projected
),

-- Cumulative (disbursement of plan year Y, whose period runs to 31 January Y+1): the
-- recent monthly pace (last 3 months) to the period's end; the interval between the
-- year's average pace and the recent one.
cumulative_windows as (
    select
        *,
        first_value(numerator) over last_3_months as earlier_numerator,
        first_value(month) over last_3_months as earlier_month
    from monthly
    where measure = 'cumulative' and denominator > 0
    window last_3_months as (
        partition by scope, indicator_code, year order by month
        range between interval 3 month preceding and current row
    )
),

cumulative_paces as (
    select
        *,
        make_date(year + 1, 1, 31) as period_end,
        numerator / ((as_of_date - make_date(year, 1, 1) + 1) / 30.44) as average_pace,
        coalesce(
            (numerator - earlier_numerator) / nullif(date_diff('month', earlier_month, month), 0),
            numerator / ((as_of_date - make_date(year, 1, 1) + 1) / 30.44)
        ) as recent_pace
    from cumulative_windows
),

cumulative_forecasts as (
    select
        as_of_date,
        scope,
        indicator_code,
        comparison,
        year,
        period_end,
        numerator / denominator as current_value,
        (numerator + recent_pace * (period_end - as_of_date) / 30.44) / denominator
            as projected_value,
        (numerator + least(recent_pace, average_pace) * (period_end - as_of_date) / 30.44)
        / denominator as lower,
        (numerator + greatest(recent_pace, average_pace) * (period_end - as_of_date) / 30.44)
        / denominator as upper
    from cumulative_paces
),

forecasts as (
    select * from flow_forecasts
    union all
    select * from stock_forecasts
    union all
    select * from cumulative_forecasts
),

judged as (
    select
        forecasts.*,
        targets.target,
        case
            when targets.target is null then null
            when forecasts.comparison = '>' and forecasts.lower > targets.target then 'on_track'
            when forecasts.comparison = '>=' and forecasts.lower >= targets.target then 'on_track'
            when forecasts.comparison = '>' and forecasts.upper <= targets.target then 'off_track'
            when forecasts.comparison = '>=' and forecasts.upper < targets.target then 'off_track'
            else 'at_risk'
        end as risk
    from forecasts
    left join targets
        on targets.indicator_code = forecasts.indicator_code
        and targets.plan_year = forecasts.year
)

select
    as_of_date,
    scope,
    indicator_code,
    period_end,
    current_value,
    projected_value,
    lower,
    upper,
    target,
    risk,
    {{ label('risk', 'risk') }} as risk_label
from judged
