-- Dossier indicator counts per month × current agency × procedure level. Receipt-based
-- counts use the month of received_at, completion-based ones the month of completed_at.
with dossiers as (
    select * from {{ ref('int_dossiers_classified') }}
    where is_counted
),

received as (
    select
        received_month as month,
        agency_code,
        procedure_level,
        count(*) as received_count,
        count(*) filter (where is_online_eligible) as online_eligible_count,
        count(*) filter (where is_online_eligible and is_online) as online_count,
        count(*) filter (where is_full_online_eligible) as full_online_eligible_count,
        count(*) filter (where is_full_online_eligible and is_online) as full_online_count,
        count(*) filter (where is_digitized) as digitized_count,
        count(*) filter (where fee_amount > 0) as fee_dossier_count,
        count(*) filter (where fee_amount > 0 and payment_method = 'online')
            as online_payment_count,
        count(*) filter (where is_synced_on_time) as synced_count,
        count(*) filter (where is_online) as online_received_count,
        count(*) filter (where is_online and vneid_authenticated) as vneid_count
    from dossiers
    group by all
),

completed as (
    select
        completed_month as month,
        agency_code,
        procedure_level,
        count(*) as completed_count,
        count(*) filter (where is_on_time) as on_time_count,
        count(*) filter (where is_late) as late_count,
        count(*) filter (where is_late and apology_issued) as apology_count,
        count(*) filter (where result_digitized) as result_digitized_count,
        count(*) filter (where rating is not null) as rated_count,
        count(*) filter (where rating in ('satisfied', 'very_satisfied')) as satisfied_count
    from dossiers
    where is_completed
    group by all
),

counts as (
    select
        coalesce(received.month, completed.month) as month,
        coalesce(received.agency_code, completed.agency_code) as agency_code,
        coalesce(received.procedure_level, completed.procedure_level) as procedure_level,
        coalesce(received.received_count, 0) as received_count,
        coalesce(received.online_eligible_count, 0) as online_eligible_count,
        coalesce(received.online_count, 0) as online_count,
        coalesce(received.full_online_eligible_count, 0) as full_online_eligible_count,
        coalesce(received.full_online_count, 0) as full_online_count,
        coalesce(completed.completed_count, 0) as completed_count,
        coalesce(completed.on_time_count, 0) as on_time_count,
        coalesce(completed.late_count, 0) as late_count,
        coalesce(completed.apology_count, 0) as apology_count,
        coalesce(received.digitized_count, 0) as digitized_count,
        coalesce(completed.result_digitized_count, 0) as result_digitized_count,
        coalesce(received.fee_dossier_count, 0) as fee_dossier_count,
        coalesce(received.online_payment_count, 0) as online_payment_count,
        coalesce(received.synced_count, 0) as synced_count,
        coalesce(received.online_received_count, 0) as online_received_count,
        coalesce(received.vneid_count, 0) as vneid_count,
        coalesce(completed.rated_count, 0) as rated_count,
        coalesce(completed.satisfied_count, 0) as satisfied_count
    from received
    full outer join completed
        on completed.month = received.month
        and completed.agency_code = received.agency_code
        and completed.procedure_level is not distinct from received.procedure_level
)

select
    month,
    agency_code,
    procedure_level,
    {{ label('level', 'procedure_level') }} as procedure_level_label,
    -- receipt-based (month of received_at)
    received_count,
    online_eligible_count,
    online_count,
    {{ safe_ratio('online_count', 'online_eligible_count') }} as online_rate,
    full_online_eligible_count,
    full_online_count,
    {{ safe_ratio('full_online_count', 'full_online_eligible_count') }} as full_online_rate,
    -- completion-based (month of completed_at)
    completed_count,
    on_time_count,
    {{ safe_ratio('on_time_count', 'completed_count') }} as on_time_rate,
    late_count,
    apology_count,
    {{ safe_ratio('apology_count', 'late_count') }} as apology_rate,
    digitized_count,
    {{ safe_ratio('digitized_count', 'received_count') }} as digitization_rate,
    result_digitized_count,
    {{ safe_ratio('result_digitized_count', 'completed_count') }} as result_digitization_rate,
    fee_dossier_count,
    online_payment_count,
    {{ safe_ratio('online_payment_count', 'fee_dossier_count') }} as online_payment_rate,
    rated_count,
    satisfied_count,
    {{ safe_ratio('satisfied_count', 'rated_count') }} as satisfaction_rate,
    -- receipt-based: national portal sync and VNeID
    synced_count,
    {{ safe_ratio('synced_count', 'received_count') }} as sync_rate,
    online_received_count,
    vneid_count,
    {{ safe_ratio('vneid_count', 'online_received_count') }} as vneid_rate
from counts
