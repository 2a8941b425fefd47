-- One row per dossier (latest version) with the flags every dossier indicator counts,
-- attributed to today's unit. Withdrawn/cancelled dossiers count in no denominator.
{{ config(materialized='view') }}

with dossiers as (
    select * from {{ ref('stg_dossiers') }}
),

procedures as (
    select * from {{ ref('stg_procedures') }}
),

agencies as (
    select * from {{ ref('int_agencies_rolled_up') }}
),

joined as (
    select
        dossiers.*,
        coalesce(agencies.current_agency_code, dossiers.agency_code) as current_agency_code,
        procedures.procedure_level,
        procedures.online_level,
        dossiers.status not in ('withdrawn', 'cancelled') as is_counted
    from dossiers
    left join procedures on procedures.procedure_code = dossiers.procedure_code
    left join agencies on agencies.agency_code = dossiers.agency_code
),

flagged as (
    select
        *,
        is_counted and completed_at is not null as is_completed,
        -- A deadline given as a bare date (00:00) means the end of that day: a dossier
        -- completed any time on its due day is on time.
        completed_at <= due_at
        or (
            due_at = date_trunc('day', due_at)
            and cast(completed_at as date) <= cast(due_at as date)
        )
            as is_within_deadline
    from joined
)

select
    -- ids
    dossier_id,
    procedure_code,
    agency_code as source_agency_code,
    current_agency_code as agency_code,
    procedure_level,
    online_level,
    -- months the indicators are counted in
    cast(date_trunc('month', received_at) as date) as received_month,
    cast(date_trunc('month', completed_at) as date) as completed_month,
    received_at,
    due_at,
    completed_at,
    channel,
    status,
    payment_method,
    rating,
    fee_amount,
    -- flags
    is_counted,
    is_completed,
    is_completed and is_within_deadline as is_on_time,
    is_completed and not is_within_deadline as is_late,
    is_digitized,
    result_digitized,
    apology_issued,
    online_level in ('full', 'partial') as is_online_eligible,
    online_level = 'full' as is_full_online_eligible,
    channel = 'online' as is_online,
    vneid_authenticated,
    -- reached the national portal within a day of its latest change (blank: not yet)
    coalesce(synced_at <= updated_at + interval 1 day, false) as is_synced_on_time
from flagged
