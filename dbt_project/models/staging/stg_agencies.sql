-- Agencies (đơn vị), latest version per agency_code.
with source as (
    select * from {{ source('raw', 'agencies') }}
),

latest as (
    select * from source
    {{ latest_version('agency_code') }}
)

select
    -- ids
    agency_code,
    nullif(trim(successor_code), '') as successor_code,
    -- descriptive
    agency_name,
    agency_level,
    agency_type,
    -- validity
    valid_from,
    valid_to,
    updated_at
from latest
