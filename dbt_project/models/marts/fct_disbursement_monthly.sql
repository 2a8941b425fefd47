-- Public-investment disbursement per plan line and month: the plan in force and the
-- cumulative payments of that plan year as of the month's last day (or the latest extract
-- date in the current month). Payments of plan year Y count until 31 January Y+1.
with line_months as (
    select * from {{ ref('int_plan_lines_monthly') }}
),

decisions as (
    select * from {{ ref('stg_investment_plan') }}
),

payments as (
    select * from {{ ref('stg_payments') }}
),

lines_per_project_year as (
    select
        project_code,
        plan_year,
        count(distinct coalesce(capital_source, '')) as line_count,
        any_value(capital_source) as only_capital_source
    from decisions
    group by all
),

-- A payment without a capital source belongs to its project-year's only plan line.
payments_matched as (
    select
        payments.*,
        coalesce(
            payments.capital_source,
            case when lines.line_count = 1 then lines.only_capital_source end
        ) as line_capital_source
    from payments
    left join lines_per_project_year as lines
        on lines.project_code = payments.project_code
        and lines.plan_year = payments.plan_year
),

plan_in_force as (
    select
        line_months.*,
        decisions.investor_code,
        decisions.plan_amount
    from line_months
    asof left join decisions
        on decisions.project_code = line_months.project_code
        and decisions.plan_year = line_months.plan_year
        and coalesce(decisions.capital_source, '') = coalesce(line_months.capital_source, '')
        and line_months.as_of_date >= decisions.decision_date
),

disbursed as (
    select
        plan_in_force.project_code,
        plan_in_force.plan_year,
        plan_in_force.capital_source,
        plan_in_force.month,
        cast(coalesce(sum(payments_matched.amount), 0) as bigint) as disbursed_amount
    from plan_in_force
    left join payments_matched
        on payments_matched.project_code = plan_in_force.project_code
        and payments_matched.plan_year = plan_in_force.plan_year
        and payments_matched.line_capital_source is not distinct from plan_in_force.capital_source
        and payments_matched.paid_at <= least(
            plan_in_force.as_of_date, make_date(plan_in_force.plan_year + 1, 1, 31)
        )
    group by all
)

select
    plan_in_force.month,
    plan_in_force.plan_year,
    plan_in_force.project_code,
    plan_in_force.investor_code,
    plan_in_force.capital_source,
    {{ label('capital_source', 'plan_in_force.capital_source') }} as capital_source_label,
    plan_in_force.as_of_date,
    plan_in_force.plan_amount,
    disbursed.disbursed_amount,
    {{ safe_ratio('disbursed.disbursed_amount', 'plan_in_force.plan_amount') }}
        as disbursement_rate
from plan_in_force
inner join disbursed
    on disbursed.project_code = plan_in_force.project_code
    and disbursed.plan_year = plan_in_force.plan_year
    and disbursed.capital_source is not distinct from plan_in_force.capital_source
    and disbursed.month = plan_in_force.month
