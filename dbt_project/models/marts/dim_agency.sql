-- Agencies with the current unit each rolls up to (the 1 July 2025 reorganisation mapping),
-- and one row for the province itself: the scope `province` of the scorecard and the
-- province totals of the marts, so a join for names keeps the totals.
with agencies as (
    select * from {{ ref('int_agencies_rolled_up') }}
    union all by name
    select
        'province' as agency_code,
        'Tỉnh Hưng Yên' as agency_name,
        'province' as agency_level,
        'province' as agency_type,
        true as is_current,
        'province' as current_agency_code
)

select
    agencies.agency_code,
    agencies.agency_name,
    agencies.agency_level,
    {{ label('level', 'agencies.agency_level') }} as agency_level_label,
    agencies.is_current,
    agencies.current_agency_code,
    current_unit.agency_name as current_agency_name,
    agencies.agency_type,
    agencies.valid_from,
    agencies.valid_to,
    agencies.successor_code
from agencies
left join agencies as current_unit
    on current_unit.agency_code = agencies.current_agency_code
