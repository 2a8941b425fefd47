-- Administrative procedures (TTHC), latest version per procedure_code.
with versions as (
    select * from {{ ref('stg_procedure_versions') }}
)

select
    procedure_code,
    procedure_name,
    procedure_level,
    online_level,
    has_fee,
    is_business,
    full_online_eligible,
    online_payment_enabled,
    cross_boundary,
    updated_at
from versions
where valid_until is null
