-- Dossiers (hồ sơ TTHC), latest version per dossier_id. The applicant pseudonym stays in
-- raw: no personal data, even hashed, goes further.
with source as (
    select * from {{ source('raw', 'dossiers') }}
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
    -- attributes
    channel,
    status,
    payment_method,
    rating,
    -- flags
    coalesce(is_digitized, false) as is_digitized,
    coalesce(result_digitized, false) as result_digitized,
    coalesce(apology_issued, false) as apology_issued,
    -- amounts
    coalesce(fee_amount, 0) as fee_amount,
    updated_at
from latest
