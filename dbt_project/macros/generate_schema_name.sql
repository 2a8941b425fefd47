{#- Use the folder's schema as-is (staging, intermediate, marts), not "main_staging": BI tools
    and the publish step address `marts.<table>`. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {{ custom_schema_name | trim if custom_schema_name else target.schema }}
{%- endmacro %}
