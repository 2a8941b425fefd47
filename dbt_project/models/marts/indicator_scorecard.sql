-- Every indicator for every month, quarter and year, for the province and for each current
-- agency, recomputed from counts (never averaged from monthly rates), against the plan.
with dossier_months as (
    select * from {{ ref('fct_dossier_monthly') }}
),

document_months as (
    select * from {{ ref('fct_signed_document_monthly') }}
),

staffing as (
    select * from {{ ref('fct_headcount_reduction') }}
),

disbursement as (
    select * from {{ ref('fct_disbursement_monthly') }}
),

work_record_months as (
    select * from {{ ref('fct_work_record_monthly') }}
),

survey_months as (
    select * from {{ ref('fct_survey_monthly') }}
),

coverage_months as (
    select * from {{ ref('fct_procedure_coverage_monthly') }}
),

quota_plan as (
    select * from {{ ref('int_quota_reduction_plan') }}
),

agencies as (
    select * from {{ ref('int_agencies_rolled_up') }}
),

targets as (
    select * from {{ ref('plan_targets') }}
),

registry as (
    select * from {{ ref('dim_indicator') }}
),

period_types as (
    select unnest(['month', 'quarter', 'year']) as period_type
),

-- Monthly (numerator, denominator) per agency for the count-based indicators.
monthly_counts as (
    select month, agency_code, indicator_code, numerator, denominator
    from dossier_months
    unpivot (
        (numerator, denominator) for indicator_code in (
            (on_time_count, completed_count) as on_time_rate,
            (apology_count, late_count) as apology_rate,
            (online_count, online_eligible_count) as online_rate,
            (full_online_count, full_online_eligible_count) as full_online_rate,
            (digitized_count, received_count) as digitization_rate,
            (result_digitized_count, completed_count) as result_digitization_rate,
            (online_payment_count, fee_dossier_count) as online_payment_rate,
            (satisfied_count, rated_count) as satisfaction_rate,
            (synced_count, received_count) as sync_rate,
            (vneid_count, online_received_count) as vneid_rate
        )
    )
    union all
    select
        month, agency_code, 'signed_document_rate' as indicator_code,
        fully_signed_count as numerator, document_count as denominator
    from document_months
    union all
    select
        month, agency_code, 'work_record_online_rate_' || agency_level as indicator_code,
        online_count as numerator, record_count as denominator
    from work_record_months
    where agency_level in ('province', 'commune')
    union all
    select
        month,
        agency_code,
        case sector
            when 'administration' then 'admin_satisfaction_rate'
            else 'public_service_satisfaction_rate'
        end as indicator_code,
        satisfied as numerator,
        respondents as denominator
    from survey_months
),

count_periods as (
    select
        cast(date_trunc(period_types.period_type, monthly_counts.month) as date) as period_start,
        period_types.period_type,
        monthly_counts.agency_code,
        monthly_counts.indicator_code,
        sum(monthly_counts.numerator) as numerator,
        sum(monthly_counts.denominator) as denominator
    from monthly_counts
    cross join period_types
    group by all
),

count_scopes as (
    select
        period_start, period_type, agency_code as scope, indicator_code,
        numerator, denominator
    from count_periods
    union all
    select
        period_start, period_type, 'province' as scope, indicator_code,
        sum(numerator) as numerator, sum(denominator) as denominator
    from count_periods
    group by all
),

-- Headcount: the latest snapshot in the period, quota (biên chế) summed over categories.
staffing_periods as (
    select
        cast(date_trunc(period_types.period_type, staffing.snapshot_date) as date) as period_start,
        period_types.period_type,
        staffing.agency_code,
        staffing.snapshot_date,
        sum(staffing.baseline_quota - staffing.quota) as numerator,
        sum(staffing.baseline_quota) as denominator
    from staffing
    cross join period_types
    where staffing.baseline_quota is not null
    group by all
),

-- Cuts against a fixed baseline (Kết luận 40-KL/TW): the period's latest snapshot.
quota_plan_scopes as (
    select
        cast(date_trunc(period_types.period_type, quota_plan.snapshot_date) as date)
            as period_start,
        period_types.period_type,
        quota_plan.agency_code as scope,
        quota_plan.indicator_code,
        arg_max(quota_plan.baseline_quota - quota_plan.quota, quota_plan.snapshot_date)
            as numerator,
        arg_max(quota_plan.baseline_quota, quota_plan.snapshot_date) as denominator
    from quota_plan
    cross join period_types
    group by all
),

-- Procedure coverage: the catalogue as of the period's end (or the latest extract date),
-- province scope only.
coverage_periods as (
    select
        cast(date_trunc(period_types.period_type, coverage_months.month) as date)
            as period_start,
        period_types.period_type,
        arg_max(coverage_months.month, coverage_months.month) as source_month
    from coverage_months
    cross join period_types
    group by all
),

coverage_as_of as (
    select coverage_periods.period_start, coverage_periods.period_type, coverage_months.*
    from coverage_periods
    inner join coverage_months on coverage_months.month = coverage_periods.source_month
),

coverage_scopes as (
    select
        period_start, period_type, 'province' as scope, indicator_code, numerator,
        denominator
    from coverage_as_of
    unpivot (
        (numerator, denominator) for indicator_code in (
            (full_online_offered_count, full_online_eligible_count)
                as full_online_coverage_rate,
            (online_payment_enabled_count, fee_procedure_count)
                as online_payment_coverage_rate,
            (cross_boundary_count, procedure_count) as cross_boundary_rate
        )
    )
),

staffing_scopes as (
    select
        period_start,
        period_type,
        agency_code as scope,
        'headcount_reduction_rate' as indicator_code,
        arg_max(numerator, snapshot_date) as numerator,
        arg_max(denominator, snapshot_date) as denominator
    from staffing_periods
    group by all
),

-- Disbursement of plan year Y: as of the period's end (a year's period runs to 31 January
-- Y+1), or of the latest extract date if earlier. The monthly mart row of that month holds
-- exactly those amounts.
disbursement_periods as (
    select distinct
        cast(date_trunc(period_types.period_type, disbursement.month) as date) as period_start,
        period_types.period_type,
        disbursement.plan_year
    from disbursement
    cross join period_types
    where year(disbursement.month) = disbursement.plan_year
),

disbursement_as_of as (
    select
        disbursement_periods.*,
        least(
            case disbursement_periods.period_type
                when 'year' then make_date(disbursement_periods.plan_year + 1, 1, 1)
                else cast(date_trunc('month', disbursement_periods.period_start + to_months(
                        case disbursement_periods.period_type when 'quarter' then 2 else 0 end
                    )) as date)
            end,
            (select max(disbursement.month) from disbursement)
        ) as source_month
    from disbursement_periods
),

disbursement_lines as (
    select
        disbursement_as_of.period_start,
        disbursement_as_of.period_type,
        coalesce(agencies.current_agency_code, disbursement.investor_code) as agency_code,
        disbursement.disbursed_amount,
        disbursement.plan_amount
    from disbursement_as_of
    inner join disbursement
        on disbursement.plan_year = disbursement_as_of.plan_year
        and disbursement.month = disbursement_as_of.source_month
    left join agencies on agencies.agency_code = disbursement.investor_code
),

disbursement_scopes as (
    select
        period_start, period_type, agency_code as scope, 'disbursement_rate' as indicator_code,
        sum(disbursed_amount) as numerator, sum(plan_amount) as denominator
    from disbursement_lines
    group by all
    union all
    select
        period_start, period_type, 'province' as scope, 'disbursement_rate' as indicator_code,
        sum(disbursed_amount) as numerator, sum(plan_amount) as denominator
    from disbursement_lines
    group by all
),

all_scopes as (
    select * from count_scopes
    union all by name
    select * from staffing_scopes
    union all by name
    select * from disbursement_scopes
    union all by name
    select * from quota_plan_scopes
    union all by name
    select * from coverage_scopes
),

valued as (
    select
        all_scopes.period_start,
        cast(
            all_scopes.period_start + case all_scopes.period_type
                when 'month' then interval 1 month
                when 'quarter' then interval 3 month
                else interval 1 year
            end - interval 1 day as date
        ) as period_end,
        all_scopes.period_type,
        all_scopes.scope,
        all_scopes.indicator_code,
        cast(all_scopes.numerator as double) as numerator,
        cast(all_scopes.denominator as double) as denominator,
        {{ safe_ratio('all_scopes.numerator', 'all_scopes.denominator') }} as value,
        targets.target,
        registry.comparison,
        targets.target_source
    from all_scopes
    inner join registry on registry.indicator_code = all_scopes.indicator_code
    left join targets
        on targets.indicator_code = all_scopes.indicator_code
        and targets.plan_year = year(all_scopes.period_start)
),

judged as (
    select
        *,
        case
            when value is null then 'no_data'
            when target is null then 'no_target'
            when comparison = '>' and value > target then 'met'
            when comparison = '>=' and value >= target then 'met'
            else 'not_met'
        end as status
    from valued
)

select
    period_start,
    period_end,
    period_type,
    scope,
    indicator_code,
    numerator,
    denominator,
    value,
    target,
    target_source,
    status,
    {{ label('status', 'status') }} as status_label
from judged
