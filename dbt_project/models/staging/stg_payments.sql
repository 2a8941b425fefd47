-- Treasury disbursement payments, latest version per payment_id (negative = refund).
with source as (
    select * from {{ source('raw', 'payments') }}
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
    updated_at
from latest
