-- Satisfaction survey results (khảo sát sự hài lòng): one row per survey round × agency ×
-- sector, latest version.
with source as (
    select * from {{ source('raw', 'surveys') }}
),

latest as (
    select * from source
    {{ latest_version('survey_id, agency_code, sector') }}
)

select
    survey_id,
    agency_code,
    sector,
    surveyed_at,
    respondents,
    satisfied,
    updated_at
from latest
