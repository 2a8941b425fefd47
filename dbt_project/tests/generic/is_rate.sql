{#- A rate is a fraction in [0, 1] or NULL (denominator 0). -#}
{% test is_rate(model, column_name) %}
select * from {{ model }}
where {{ column_name }} is not null and ({{ column_name }} < 0 or {{ column_name }} > 1)
{% endtest %}
