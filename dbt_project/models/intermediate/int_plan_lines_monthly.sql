-- One row per plan line (project × plan year × capital source) and month, from the month
-- of its first decision to the latest extract date, with the as-of date of that month.
with decisions as (
    select * from {{ ref('stg_investment_plan') }}
),

data_through as (
    select max(extract_date) as data_through from {{ ref('stg_deliveries') }}
),

lines as (
    select
        project_code,
        plan_year,
        capital_source,
        min(decision_date) as first_decision_date
    from decisions
    group by all
),

months as (
    select
        lines.*,
        cast(unnest(generate_series(
            date_trunc('month', lines.first_decision_date),
            date_trunc('month', data_through.data_through),
            interval 1 month
        )) as date) as month,
        data_through.data_through
    from lines
    cross join data_through
)

select
    project_code,
    plan_year,
    capital_source,
    month,
    -- amounts are as of the month's last day, or of the latest extract date this month
    least(last_day(month), data_through) as as_of_date
from months
