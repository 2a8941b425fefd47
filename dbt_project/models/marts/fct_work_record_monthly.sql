-- Non-secret work records per month opened × current agency, and how many were processed
-- on the network. The level is the current unit's: the plan sets one target for provincial
-- and one for commune-level units.
with records as (
    select * from {{ ref('stg_work_records') }}
    where not is_secret
),

agencies as (
    select * from {{ ref('int_agencies_rolled_up') }}
),

attributed as (
    select
        cast(date_trunc('month', records.opened_at) as date) as month,
        coalesce(agencies.current_agency_code, records.agency_code) as agency_code,
        records.processed_online
    from records
    left join agencies on agencies.agency_code = records.agency_code
),

counts as (
    select
        attributed.month,
        attributed.agency_code,
        current_units.agency_level,
        count(*) as record_count,
        count(*) filter (where attributed.processed_online) as online_count
    from attributed
    left join agencies as current_units on current_units.agency_code = attributed.agency_code
    group by all
)

select
    month,
    agency_code,
    agency_level,
    record_count,
    online_count,
    {{ safe_ratio('online_count', 'record_count') }} as online_rate
from counts
