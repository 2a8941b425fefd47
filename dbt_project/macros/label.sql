{#- The Vietnamese label of a coded value (seed value_labels), for BI users who filter on
    "Công chức" rather than civil_servant. -#}
{% macro label(domain, column) -%}
    (select value_labels.label from {{ ref('value_labels') }} as value_labels
     where value_labels.domain = '{{ domain }}' and value_labels.code = {{ column }})
{%- endmacro %}
