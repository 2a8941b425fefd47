-- Every agency with the current unit its work rolls up to, following successor_code
-- chains (e.g. Thái Bình planning dept → Thái Bình finance dept → Sở Tài chính).
with recursive agencies as (
    select * from {{ ref('stg_agencies') }}
),

chain (agency_code, reached_code, depth) as (
    select agency_code, agency_code as reached_code, 0 as depth
    from agencies
    union all
    select chain.agency_code, agencies.successor_code, chain.depth + 1
    from chain
    inner join agencies on agencies.agency_code = chain.reached_code
    where agencies.successor_code is not null
        and agencies.successor_code <> agencies.agency_code
        and chain.depth < 20  -- a cycle in the reference data must not loop forever
),

resolved as (
    select
        agency_code,
        arg_max(reached_code, depth) as current_agency_code,
        max(depth) as merge_steps
    from chain
    group by agency_code
)

select
    agencies.agency_code,
    agencies.agency_name,
    agencies.agency_level,
    agencies.agency_type,
    agencies.valid_from,
    agencies.valid_to,
    agencies.successor_code,
    (agencies.valid_to is null or agencies.valid_to >= current_date) as is_current,
    resolved.current_agency_code,
    resolved.merge_steps
from agencies
inner join resolved on resolved.agency_code = agencies.agency_code
