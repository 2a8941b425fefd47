-- Treasury disbursement payments, latest version per payment_id (negative = refund).
{{ config(
    materialized='incremental',
    unique_key='payment_id',
    post_hook="{{ drop_vanished_keys('payments') }}",
) }}

with source as (
    select * from {{ source('raw', 'payments') }}
    {{ only_changed_keys('payments', 'payment_id') }}
),

latest as (
    select * from source
    {{ latest_version('payment_id') }}
)

select
    payment_id,
    project_code,
    plan_year,
    capital_source,
    paid_at,
    amount,
    updated_at,
    -- lineage: the delivery this version came from (drives the incremental build)
    _extract_date,
    _loaded_at,
    -- the build that wrote the row: the key checks read the rows written since the last
    -- publish
    {{ this_build() }} as _build_no
from latest
