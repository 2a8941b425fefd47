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
    updated_at
from latest
