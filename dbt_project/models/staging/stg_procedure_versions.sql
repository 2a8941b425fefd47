-- Every version of every procedure (TTHC) with the days it was in force: the catalogue
-- "as of" a date is the versions whose [valid_from, valid_until) holds it. Procedure-level
-- coverage indicators are measured on the catalogue as of each month's end.
with source as (
    select * from {{ source('raw', 'procedures') }}
),

versions as (
    select * from source
    {{ latest_version('procedure_code, updated_at') }}
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
    updated_at,
    cast(updated_at as date) as valid_from,
    lead(cast(updated_at as date)) over (
        partition by procedure_code order by updated_at
    ) as valid_until
from versions
