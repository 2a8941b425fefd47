-- Outgoing documents (văn bản đi), latest version per document_id.
{{ config(
    materialized='incremental',
    unique_key='document_id',
    post_hook="{{ drop_vanished_keys('documents') }}",
) }}

with source as (
    select * from {{ source('raw', 'documents') }}
    {{ only_changed_keys('documents', 'document_id') }}
),

latest as (
    select * from source
    {{ latest_version('document_id') }}
)

select
    document_id,
    agency_code,
    issued_at,
    doc_type,
    is_secret,
    is_electronic,
    leader_signed,
    agency_signed,
    updated_at,
    -- lineage: the delivery this version came from (drives the incremental build)
    _extract_date,
    _loaded_at,
    -- the build that wrote the row: the key checks read the rows written since the last
    -- publish
    {{ this_build() }} as _build_no
from latest
