-- Work records (hồ sơ công việc), latest version per record_id.
{{ config(
    materialized='incremental',
    unique_key='record_id',
    post_hook="{{ drop_vanished_keys('work_records') }}",
) }}

with source as (
    select * from {{ source('raw', 'work_records') }}
    {{ only_changed_keys('work_records', 'record_id') }}
),

latest as (
    select * from source
    {{ latest_version('record_id') }}
)

select
    record_id,
    agency_code,
    opened_at,
    is_secret,
    processed_online,
    updated_at,
    -- lineage: the delivery this version came from (drives the incremental build)
    _extract_date,
    _loaded_at,
    -- the build that wrote the row: the key checks read the rows written since the last
    -- publish
    {{ this_build() }} as _build_no
from latest
