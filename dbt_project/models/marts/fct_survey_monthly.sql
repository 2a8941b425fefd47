-- Satisfaction survey results per month surveyed × current agency × sector.
with surveys as (
    select * from {{ ref('stg_surveys') }}
),

agencies as (
    select * from {{ ref('int_agencies_rolled_up') }}
),

counts as (
    select
        cast(date_trunc('month', surveys.surveyed_at) as date) as month,
        coalesce(agencies.current_agency_code, surveys.agency_code) as agency_code,
        surveys.sector,
        sum(surveys.respondents) as respondents,
        sum(surveys.satisfied) as satisfied
    from surveys
    left join agencies on agencies.agency_code = surveys.agency_code
    group by all
)

select
    month,
    agency_code,
    sector,
    {{ label('sector', 'sector') }} as sector_label,
    cast(respondents as bigint) as respondents,
    cast(satisfied as bigint) as satisfied,
    {{ safe_ratio('satisfied', 'respondents') }} as satisfaction_rate
from counts
