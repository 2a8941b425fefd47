-- Staffing per current unit × category × snapshot date (abolished units summed into their
-- successor), with the baseline snapshot each row is compared to.
with staffing as (
    select * from {{ ref('stg_staffing') }}
),

agencies as (
    select * from {{ ref('int_agencies_rolled_up') }}
),

rolled_up as (
    select
        coalesce(agencies.current_agency_code, staffing.agency_code) as agency_code,
        staffing.snapshot_date,
        staffing.staff_category,
        sum(staffing.quota) as quota,
        sum(staffing.headcount) as headcount
    from staffing
    left join agencies on agencies.agency_code = staffing.agency_code
    group by all
),

with_cutoff as (
    select
        *,
        {% if var('headcount_baseline_date') %}
            cast('{{ var("headcount_baseline_date") }}' as date) as baseline_cutoff
        {% else %}
            make_date(year(snapshot_date) - 1, 12, 31) as baseline_cutoff
        {% endif %}
    from rolled_up
)

select
    current_row.agency_code,
    current_row.snapshot_date,
    current_row.staff_category,
    baseline.snapshot_date as baseline_date,
    baseline.quota as baseline_quota,
    current_row.quota,
    baseline.headcount as baseline_headcount,
    current_row.headcount
from with_cutoff as current_row
asof left join rolled_up as baseline
    on baseline.agency_code = current_row.agency_code
    and baseline.staff_category = current_row.staff_category
    and current_row.baseline_cutoff >= baseline.snapshot_date
