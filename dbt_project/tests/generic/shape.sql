{#-
  The shape of one model in one query: one dbt node and one Dagster check per model, not one
  per column and rule. Each node costs ≈ 0.1 s of dbt's and Dagster's own work whatever the
  data; seventy of them were a third of a nightly's dbt step (bench/RESULTS.md). Every row
  returned is a broken rule: `problem` names it and its columns, `failing_rows` counts the
  rows breaking it (for `key`: the key values found more than once).
    key              columns that together identify one row: the model's grain
    not_null         columns never NULL
    accepted_values  {column: [values]}; NULL passes (`not_null` refuses it)
    non_negative     columns never below 0
-#}
{% test shape(model, key=[], not_null=[], accepted_values={}, non_negative=[]) %}
with counted as (
    select
        {%- if key %}
        (
            select count(*) from (
                select {{ key | join(', ') }}
                from {{ model }}
                group by {{ key | join(', ') }}
                having count(*) > 1
            ) as duplicated
        ) as "duplicate {{ key | join(' × ') }}",
        {%- endif %}
        {%- for column in not_null %}
        count(*) filter (where {{ column }} is null) as "null {{ column }}",
        {%- endfor %}
        {%- for column, values in accepted_values.items() %}
        count(*) filter (
            where {{ column }} not in (
                {%- for value in values %}'{{ value | replace("'", "''") }}'{{ ", " if not loop.last }}{% endfor -%}
            )
        ) as "unexpected {{ column }}",
        {%- endfor %}
        {%- for column in non_negative %}
        count(*) filter (where {{ column }} < 0) as "negative {{ column }}",
        {%- endfor %}
    from {{ model }}
    group by ()
)

select problem, failing_rows
from (unpivot counted on columns(*) into name problem value failing_rows)
where failing_rows > 0
{% endtest %}
