-- Staffing reduction against the baseline snapshot, per agency and for the whole province
-- (agency_code 'province', as in dim_agency and the scorecard), for quota (biên chế) and
-- headcount separately.
with agency_rows as (
    select * from {{ ref('int_staffing_rolled_up') }}
),

province_rows as (
    select
        'province' as agency_code,
        snapshot_date,
        staff_category,
        max(baseline_date) as baseline_date,
        sum(baseline_quota) as baseline_quota,
        sum(quota) as quota,
        sum(baseline_headcount) as baseline_headcount,
        sum(headcount) as headcount
    from agency_rows
    group by all
),

all_rows as (
    select * from agency_rows
    union all by name
    select * from province_rows
)

select
    snapshot_date,
    agency_code,
    staff_category,
    {{ label('staff_category', 'staff_category') }} as staff_category_label,
    baseline_date,
    cast(baseline_quota as bigint) as baseline_quota,
    cast(quota as bigint) as quota,
    cast(baseline_headcount as bigint) as baseline_headcount,
    cast(headcount as bigint) as headcount,
    cast(baseline_quota - quota as bigint) as quota_reduction,
    {{ safe_ratio('baseline_quota - quota', 'baseline_quota') }} as quota_reduction_rate,
    cast(baseline_headcount - headcount as bigint) as headcount_reduction,
    {{ safe_ratio('baseline_headcount - headcount', 'baseline_headcount') }}
        as headcount_reduction_rate
from all_rows
