-- Latest extract date loaded per source (for `cchc status` and freshness checks).
select
    source,
    max(extract_date) as latest_extract_date,
    count(*) as days_loaded,
    max(loaded_at) as last_loaded_at
from {{ ref('stg_deliveries') }}
group by source
