-- Quota (biên chế) per current unit and snapshot against the fixed baseline a plan target
-- names (seed plan_targets: baseline_date, staff_category), e.g. Kết luận 40-KL/TW's
-- 31/12/2021 for the 2022–2026 cuts. The baseline is the unit's latest snapshot on or
-- before that date; province rows (agency_code 'province') sum the units.
with staffing as (
    select * from {{ ref('int_staffing_rolled_up') }}
),

baselines as (
    select distinct indicator_code, staff_category, baseline_date
    from {{ ref('plan_targets') }}
    where baseline_date is not null
),

later_snapshots as (
    select baselines.indicator_code, baselines.baseline_date, staffing.*
    from staffing
    inner join baselines
        on baselines.staff_category = staffing.staff_category
        and staffing.snapshot_date > baselines.baseline_date
),

agency_rows as (
    select
        later_snapshots.indicator_code,
        later_snapshots.agency_code,
        later_snapshots.snapshot_date,
        baseline.snapshot_date as baseline_date,
        baseline.quota as baseline_quota,
        later_snapshots.quota
    from later_snapshots
    asof inner join staffing as baseline
        on baseline.agency_code = later_snapshots.agency_code
        and baseline.staff_category = later_snapshots.staff_category
        and later_snapshots.baseline_date >= baseline.snapshot_date
),

province_rows as (
    select
        indicator_code,
        'province' as agency_code,
        snapshot_date,
        max(baseline_date) as baseline_date,
        sum(baseline_quota) as baseline_quota,
        sum(quota) as quota
    from agency_rows
    group by all
)

select * from agency_rows
union all by name
select * from province_rows
