-- Loaded (source, extract date) deliveries: what the warehouse holds, for freshness.
select
    source,
    extract_date,
    files,
    loaded_at
from {{ source('audit', 'deliveries') }}
