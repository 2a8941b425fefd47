-- The estimated service index gives every month and scope 100 points to earn, and no
-- sub-indicator earns more than its maximum or less than nothing.
with service_index as (
    select * from {{ ref('fct_service_index_monthly') }}
),

totals as (
    select month, scope, sum(points_max) as points_max
    from service_index
    group by all
)

select month, scope, 'points_max total ' || points_max as problem
from totals
where abs(points_max - 100) > 1e-9
union all
select month, scope, sub_indicator_code || ' earns ' || points_earned as problem
from service_index
where points_earned < 0 or points_earned > points_max
