-- Administrative procedures (TTHC), latest version per procedure_code.
with source as (
    select * from {{ source('raw', 'procedures') }}
),

latest as (
    select * from source
    {{ latest_version('procedure_code') }}
)

select
    procedure_code,
    procedure_name,
    level as procedure_level,
    online_level,
    coalesce(has_fee, false) as has_fee,
    coalesce(is_business, false) as is_business,
    coalesce(full_online_eligible, false) as full_online_eligible,
    coalesce(online_payment_enabled, false) as online_payment_enabled,
    coalesce(cross_boundary, false) as cross_boundary,
    updated_at
from latest
