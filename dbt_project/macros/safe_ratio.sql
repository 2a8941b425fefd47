{#- numerator / denominator as a double, NULL when the denominator is 0 or NULL (a rate of
    nothing is unknown, not 0). Used by every rate in the marts. -#}
{% macro safe_ratio(numerator, denominator) -%}
    case when coalesce({{ denominator }}, 0) = 0 then null
         else cast({{ numerator }} as double) / {{ denominator }} end
{%- endmacro %}
