{#- Incremental staging of a versioned source (latest version per id wins).

    A build after the first recomputes only the ids that a delivery loaded since the last
    build touches: the ids in the changed days' raw rows, plus the ids whose current version
    came from a changed day (a re-delivery may have dropped or replaced it). Every touched id
    is recomputed from all its raw rows, so the result equals a full rebuild. A delivery is
    "since the last build" when it was loaded after the newest `_loaded_at` in the table; an
    earlier one counted again only costs time, never changes a row. -#}
{% macro only_changed_keys(source_name, key) -%}
    {%- if is_incremental() %}
    where {{ key }} in (
        with changed_days as (
            select extract_date
            from {{ source('audit', 'deliveries') }}
            where source = '{{ source_name }}'
                and loaded_at > (
                    select coalesce(max(_loaded_at), timestamp '-infinity') from {{ this }}
                )
        )
        select {{ key }} from {{ source('raw', source_name) }}
        where _extract_date in (select extract_date from changed_days)
        union
        select {{ key }} from {{ this }}
        where _extract_date in (select extract_date from changed_days)
    )
    {%- endif %}
{%- endmacro %}

{#- Post-hook of the same models: an id whose current version came from a day that has since
    been re-delivered without it, and that no other raw row has, is gone from raw; it was
    touched but not reinserted, so it still carries the superseded load's `_loaded_at`. -#}
{% macro drop_vanished_keys(source_name) -%}
    delete from {{ this }} as current_row
    using {{ source('audit', 'deliveries') }} as delivery
    where delivery.source = '{{ source_name }}'
        and delivery.extract_date = current_row._extract_date
        and delivery.loaded_at > current_row._loaded_at
{%- endmacro %}
