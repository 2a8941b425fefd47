-- Public-investment plan decisions: one row per plan line and decision date (a decision
-- delivered twice keeps its latest delivery).
with source as (
    select * from {{ source('raw', 'investment_plan') }}
),

latest as (
    select * from source
    {{ latest_version('project_code, plan_year, capital_source, decision_date',
                      version='_extract_date') }}
)

select
    project_code,
    project_name,
    investor_code,
    capital_source,
    plan_year,
    plan_amount,
    decision_date
from latest
