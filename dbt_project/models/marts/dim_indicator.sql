-- The indicator registry as BI tools and the report read it (seed indicators).
with indicators as (
    select * from {{ ref('indicators') }}
)

select
    indicator_code,
    indicator_name,
    unit,
    better,
    comparison,
    measure,
    nullif(service_index_group, '') as service_index_group,
    plan_source,
    sort_order
from indicators
