-- Non-secret outgoing documents per month of issue × current agency, and how many were
-- sent electronically with both the leader's and the agency's digital signature.
with documents as (
    select * from {{ ref('stg_documents') }}
    where not is_secret
),

agencies as (
    select * from {{ ref('int_agencies_rolled_up') }}
),

counts as (
    select
        cast(date_trunc('month', documents.issued_at) as date) as month,
        coalesce(agencies.current_agency_code, documents.agency_code) as agency_code,
        count(*) as document_count,
        count(*) filter (where documents.is_electronic) as electronic_count,
        count(*) filter (
            where documents.is_electronic and documents.leader_signed and documents.agency_signed
        ) as fully_signed_count
    from documents
    left join agencies on agencies.agency_code = documents.agency_code
    group by all
)

select
    month,
    agency_code,
    document_count,
    electronic_count,
    fully_signed_count,
    {{ safe_ratio('fully_signed_count', 'document_count') }} as signed_document_rate
from counts
