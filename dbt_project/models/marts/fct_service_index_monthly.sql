-- A 766-style service index estimated from the province's own data: each sub-indicator's
-- monthly value from the scorecard, scored by the rules of seed service_index_rules.
with scorecard as (
    select * from {{ ref('indicator_scorecard') }}
    where period_type = 'month'
),

rules as (
    select * from {{ ref('service_index_rules') }}
),

-- every month and scope with anything the index measures
scopes as (
    select distinct period_start as month, scope
    from scorecard
    where indicator_code in (select rules.indicator_code from rules)
        and denominator > 0
),

cells as (
    select
        scopes.month,
        scopes.scope,
        rules.*,
        scorecard.value
    from scopes
    cross join rules
    left join scorecard
        on scorecard.period_start = scopes.month
        and scorecard.scope = scopes.scope
        and scorecard.indicator_code = rules.indicator_code
),

scored as (
    select
        *,
        case
            when value is null then case when_no_data when 'full' then points_max else 0 end
            else points_max * greatest(0, least(1, (value - zero_at) / (full_at - zero_at)))
        end as points_earned
    from cells
)

select
    month,
    scope,
    group_code,
    group_name,
    sub_indicator_code,
    sub_indicator_name,
    indicator_code,
    value,
    points_max,
    round(points_earned, 2) as points_earned,
    round(points_max - points_earned, 2) as points_lost
from scored
