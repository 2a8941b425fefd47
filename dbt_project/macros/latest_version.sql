{#- Keep one row per key: the latest `updated_at`; ties go to the latest delivery (extract
    date, then file and row). Used by every staging model with an id. -#}
{% macro latest_version(key, version='updated_at') -%}
    qualify row_number() over (
        partition by {{ key }}
        order by {{ version }} desc, _extract_date desc, _file desc, _row_number desc
    ) = 1
{%- endmacro %}
