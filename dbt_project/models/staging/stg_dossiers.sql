-- Dossiers (hồ sơ TTHC), latest version per dossier_id. The applicant pseudonym stays in
-- raw: no personal data, even hashed, goes further.
{{ config(
    materialized='incremental',
    unique_key='dossier_id',
    post_hook="{{ drop_vanished_keys('dossiers') }}",
) }}

with source as (
    select * from {{ source('raw', 'dossiers') }}
    {{ only_changed_keys('dossiers', 'dossier_id') }}
),

latest as (
    select * from source
    {{ latest_version('dossier_id') }}
)

select
    -- ids
    dossier_id,
    procedure_code,
    agency_code,
    -- dates
    received_at,
    due_at,
    completed_at,
    synced_at,
    -- attributes
    channel,
    status,
    payment_method,
    rating,
    -- flags
    coalesce(is_digitized, false) as is_digitized,
    coalesce(result_digitized, false) as result_digitized,
    coalesce(apology_issued, false) as apology_issued,
    coalesce(vneid_authenticated, false) as vneid_authenticated,
    -- amounts
    coalesce(fee_amount, 0) as fee_amount,
    updated_at,
    -- lineage: the delivery this version came from (drives the incremental build)
    _extract_date,
    _loaded_at,
    -- the build that wrote the row: the key checks read the rows written since the last
    -- publish
    {{ this_build() }} as _build_no
from latest
