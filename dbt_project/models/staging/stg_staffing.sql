-- Staffing snapshots (biên chế): one row per agency × category × snapshot date.
with source as (
    select * from {{ source('raw', 'staffing') }}
),

latest as (
    select * from source
    {{ latest_version('agency_code, snapshot_date, staff_category') }}
)

select
    agency_code,
    snapshot_date,
    staff_category,
    quota,
    headcount,
    updated_at
from latest
