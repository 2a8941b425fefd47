-- The province's procedure catalogue as of each month's end (or the latest extract date for
-- the current month): how many eligible procedures are offered full online, how many with
-- fees take online payment, how many are received regardless of administrative boundary.
with versions as (
    select * from {{ ref('stg_procedure_versions') }}
),

latest_extract as (
    select max(extract_date) as extract_date
    from {{ source('audit', 'deliveries') }}
),

months as (
    select
        cast(
            unnest(
                range(
                    cast(date_trunc('month', min(versions.valid_from)) as timestamp),
                    cast(any_value(latest_extract.extract_date) as timestamp) + interval 1 day,
                    interval 1 month
                )
            ) as date
        ) as month
    from versions
    cross join latest_extract
),

as_of as (
    select
        months.month,
        least(
            cast(months.month + interval 1 month - interval 1 day as date),
            (select latest_extract.extract_date from latest_extract)
        ) as as_of_date
    from months
),

catalogue as (
    select as_of.month, as_of.as_of_date, versions.*
    from as_of
    inner join versions
        on versions.valid_from <= as_of.as_of_date
        and (versions.valid_until is null or versions.valid_until > as_of.as_of_date)
),

counts as (
    select
        month,
        as_of_date,
        count(*) as procedure_count,
        count(*) filter (where full_online_eligible) as full_online_eligible_count,
        count(*) filter (where full_online_eligible and online_level = 'full')
            as full_online_offered_count,
        count(*) filter (where has_fee) as fee_procedure_count,
        count(*) filter (where has_fee and online_payment_enabled)
            as online_payment_enabled_count,
        count(*) filter (where cross_boundary) as cross_boundary_count
    from catalogue
    group by all
)

select
    month,
    as_of_date,
    procedure_count,
    full_online_eligible_count,
    full_online_offered_count,
    {{ safe_ratio('full_online_offered_count', 'full_online_eligible_count') }}
        as full_online_coverage_rate,
    fee_procedure_count,
    online_payment_enabled_count,
    {{ safe_ratio('online_payment_enabled_count', 'fee_procedure_count') }}
        as online_payment_coverage_rate,
    cross_boundary_count,
    {{ safe_ratio('cross_boundary_count', 'procedure_count') }} as cross_boundary_rate
from counts
