-- Outgoing documents (văn bản đi), latest version per document_id.
with source as (
    select * from {{ source('raw', 'documents') }}
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
    updated_at
from latest
