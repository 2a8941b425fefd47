-- Agencies with the current unit each rolls up to (the 1 July 2025 reorganisation mapping).
with agencies as (
    select * from {{ ref('int_agencies_rolled_up') }}
)

select
    agencies.agency_code,
    agencies.agency_name,
    agencies.agency_level,
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
