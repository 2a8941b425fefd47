-- Every forecast's interval holds its projected value.
select as_of_date, scope, indicator_code, lower, projected_value, upper
from {{ ref('fct_indicator_forecast') }}
where not (lower <= projected_value + 1e-12 and projected_value <= upper + 1e-12)
