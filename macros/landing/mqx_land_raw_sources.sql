{#-
    Landing: make every table of the landing contract a relation the sources can read.

    On DuckDB (the embedded default) each source table is a folder of Parquet and/or CSV
    files under var('raw_root'): <raw_root>/<source>/<table>/. This macro, run as an
    on-run-start hook, creates one view per contract table in the source's schema that
    reads all files in the folder together (union by name), matches each file's headers
    to the contract's column names by their snake_case form (files of one table may spell
    a header differently: 'Created Date', 'CreatedDate'), keeps only the contract's
    columns (extra columns are ignored), fills absent optional columns with typed NULLs,
    and fails with a message naming the table and column when something required is
    missing. Every column is landed as text; staging parses and casts.

    On warehouse targets the connector already landed the tables, so nothing happens.
-#}
{% macro mqx_land_raw_sources() %}
    {{ return(adapter.dispatch('mqx_land_raw_sources', 'mqx')()) }}
{% endmacro %}

{% macro default__mqx_land_raw_sources() %}
    {{ return('') }}
{% endmacro %}

{% macro duckdb__mqx_land_raw_sources() %}
    {% if not execute %}
        {{ return('') }}
    {% endif %}
    {% set raw_root = var('raw_root').rstrip('/') %}
    {% set ns = namespace(landed=0) %}
    {% for src in graph.sources.values() if src.package_name == project_name %}
        {% do run_query(mqx_landing_view_sql(src, raw_root)) %}
        {% set ns.landed = ns.landed + 1 %}
    {% endfor %}
    {{ log('mqx: landed ' ~ ns.landed ~ ' raw tables from ' ~ raw_root, info=true) }}
    {{ return('') }}
{% endmacro %}


{#- The files of one contract table, split by format. -#}
{% macro mqx_landing_files(folder) %}
    {% set listing = run_query(
        "select file from glob('" ~ folder ~ "/*.parquet') "
        ~ "union all select file from glob('" ~ folder ~ "/*.csv') "
        ~ "union all select file from glob('" ~ folder ~ "/*.csv.gz') order by file"
    ) %}
    {% set files = {'parquet': [], 'csv': [], 'empty': []} %}
    {% if not listing.rows %}
        {{ return(files) }}
    {% endif %}
    {#- 0-byte files (an interrupted delivery) hold no header: read_blob gives the sizes
        without reading the contents. -#}
    {% set quoted = [] %}
    {% for row in listing.rows %}
        {% do quoted.append("'" ~ row[0] ~ "'") %}
    {% endfor %}
    {% set sized = run_query(
        'select filename, size from read_blob([' ~ quoted | join(', ') ~ ']) order by filename'
    ) %}
    {% for row in sized.rows %}
        {% if row[1] == 0 %}
            {% do files['empty'].append(row[0]) %}
        {% elif row[0].endswith('.parquet') %}
            {% do files['parquet'].append(row[0]) %}
        {% else %}
            {% do files['csv'].append(row[0]) %}
        {% endif %}
    {% endfor %}
    {{ return(files) }}
{% endmacro %}


{#- House name of a landed header, the way Fivetran names columns: no byte-order mark,
    lowercase snake_case. Each file of a table may spell a header its own way:
    'Created Date', 'CreatedDate', 'created_date' and 'CREATED_DATE' all become
    'created_date'; 'SFDCLeadId' -> 'sfdc_lead_id'; 'Rejection_Reason__c' ->
    'rejection_reason_c'; '_fivetran_synced' keeps its leading underscore. -#}
{% macro mqx_landing_column_name(header) %}
    {% set re = modules.re %}
    {% set name = header.replace('\ufeff', '').strip() %}
    {#- word boundaries inside camelCase and ACRONYMWords -#}
    {% set name = re.sub('([A-Z]+)([A-Z][a-z])', '\\1_\\2', name) %}
    {% set name = re.sub('([a-z0-9])([A-Z])', '\\1_\\2', name) %}
    {#- spaces and punctuation to one underscore, none at the end -#}
    {% set name = re.sub('[^a-z0-9_]+', '_', name.lower()) %}
    {% set name = re.sub('__+', '_', name).rstrip('_') %}
    {{ return(name) }}
{% endmacro %}


{#-
    The text value of one contract column from the headers that spell it (one per file,
    after union by name every other file has NULL there), so rows from every file land.
    A file that fills two spellings of one column in the same row is ambiguous: the
    landing stops and names the file and the headers.
-#}
{% macro mqx_landing_column_value(spellings, column_name, table_label, reader_sql) %}
    {% set quoted = [] %}
    {% for header in spellings %}
        {% do quoted.append('"' ~ header.replace('"', '""') ~ '"') %}
    {% endfor %}
    {% if quoted | length == 1 %}
        {{ return('cast(' ~ quoted[0] ~ ' as varchar)') }}
    {% endif %}
    {{ log(
        'mqx landing: ' ~ table_label ~ " column '" ~ column_name ~ "' is spelled "
        ~ spellings | join(' / ') ~ ' in different files; each file is read by its own'
        ~ ' header.',
        info=true
    ) }}
    {% set filled = [] %}
    {% for header in quoted %}
        {% do filled.append('case when ' ~ header ~ ' is not null then 1 else 0 end') %}
    {% endfor %}
    {% set clash = run_query(
        'select filename from (' ~ reader_sql ~ ') where '
        ~ filled | join(' + ') ~ ' > 1 limit 1'
    ) %}
    {% if clash.rows %}
        {% do exceptions.raise_compiler_error(
            "mqx landing: raw table " ~ table_label ~ ", file " ~ clash.rows[0][0]
            ~ ": column '" ~ column_name ~ "' appears twice under different headers ("
            ~ spellings | join(', ') ~ ") with values in both. Keep one of them in the "
            ~ "export, or rename the other."
        ) %}
    {% endif %}
    {% set casts = [] %}
    {% for header in quoted %}
        {% do casts.append('cast(' ~ header ~ ' as varchar)') %}
    {% endfor %}
    {{ return('coalesce(' ~ casts | join(', ') ~ ')') }}
{% endmacro %}


{% macro mqx_landing_view_sql(src, raw_root) %}
    {% set table_label = src.source_name ~ '.' ~ src.name %}
    {% set folder = raw_root ~ '/' ~ src.source_name ~ '/' ~ src.name %}
    {% set target_relation = api.Relation.create(
        database=src.database, schema=src.schema, identifier=src.identifier
    ) %}
    {% do run_query('create schema if not exists ' ~ target_relation.without_identifier()) %}
    {% set files = mqx_landing_files(folder) %}

    {#- The reader: every Parquet and CSV file of the table, unioned by column name, with
        each row's position in its file (file_row_number, from 0). Parquet gives that
        position itself; a CSV file is read on its own and numbered in read order. -#}
    {% set readers = [] %}
    {% if files['parquet'] %}
        {% do readers.append(
            "select * from read_parquet(['" ~ files['parquet'] | join("', '")
            ~ "'], union_by_name = true, filename = true, file_row_number = true)"
        ) %}
    {% endif %}
    {% for csv_file in files['csv'] %}
        {% do readers.append(
            "select *, row_number() over () - 1 as file_row_number from read_csv(['"
            ~ csv_file ~ "'], filename = true, header = true, all_varchar = true)"
        ) %}
    {% endfor %}
    {#- Each file's position among the table's files by name, whatever its format: with
        the row's position in its file it makes _mqx_row_number. -#}
    {% set file_positions = [] %}
    {% for landed_file in (files['parquet'] + files['csv']) | sort(case_sensitive=true) %}
        {% do file_positions.append("('" ~ landed_file ~ "', " ~ loop.index0 ~ ")") %}
    {% endfor %}

    {% if files['empty'] %}
        {{ log(
            'mqx landing: WARNING ' ~ table_label ~ ' skips empty (0-byte) files: '
            ~ files['empty'] | join(', '),
            info=true
        ) }}
    {% endif %}
    {% if not readers %}
        {% if src.meta.get('required', false) and files['empty'] %}
            {% do exceptions.raise_compiler_error(
                "mqx landing: required raw table " ~ table_label ~ " has only empty "
                ~ "(0-byte) files in " ~ folder ~ ": " ~ files['empty'] | join(', ')
                ~ ". Re-deliver the export with its header and rows."
            ) %}
        {% endif %}
        {% if src.meta.get('required', false) %}
            {% do exceptions.raise_compiler_error(
                "mqx landing: required raw table " ~ table_label ~ " has no files in "
                ~ folder ~ ". Land at least one Parquet or CSV file there "
                ~ "(see the landing contract), or point var raw_root / env MQX_RAW_ROOT "
                ~ "at the right folder."
            ) %}
        {% endif %}
        {% set select_list = [] %}
        {% for column_name in src.columns %}
            {% do select_list.append('cast(null as varchar) as ' ~ column_name) %}
        {% endfor %}
        {% do select_list.append('cast(null as varchar) as _mqx_file') %}
        {% do select_list.append('cast(null as bigint) as _mqx_row_number') %}
        {{ return(
            'create or replace view ' ~ target_relation ~ ' as select '
            ~ select_list | join(', ') ~ ' where 1 = 0'
        ) }}
    {% endif %}

    {% set reader_sql = readers | join(' union all by name ') %}
    {% set described = run_query('describe ' ~ reader_sql) %}
    {#- contract name -> the headers that spell it, across all files of the table -#}
    {% set present = {} %}
    {% for row in described.rows %}
        {% do present.setdefault(mqx_landing_column_name(row[0]), []).append(row[0]) %}
    {% endfor %}

    {% set select_list = [] %}
    {% for column_name, column in src.columns.items() %}
        {% set from_filename = column.meta.get('from_filename') %}
        {% if column_name in present %}
            {% do select_list.append(
                mqx_landing_column_value(
                    present[column_name], column_name, table_label, reader_sql
                ) ~ ' as ' ~ column_name
            ) %}
        {% elif from_filename %}
            {% do select_list.append(
                "nullif(regexp_extract(filename, '" ~ from_filename ~ "', 1), '') as "
                ~ column_name
            ) %}
        {% elif column.meta.get('fallback') and column.meta.get('fallback') in present %}
            {#- A required column the export lacks, with a documented stand-in. -#}
            {{ log(
                'mqx landing: WARNING ' ~ table_label ~ " has no '" ~ column_name
                ~ "' column; using '" ~ column.meta.get('fallback') ~ "' in its place.",
                info=true
            ) }}
            {% do select_list.append(
                mqx_landing_column_value(
                    present[column.meta.get('fallback')], column.meta.get('fallback'),
                    table_label, reader_sql
                ) ~ ' as ' ~ column_name
            ) %}
        {% elif column.meta.get('required', false) %}
            {% do exceptions.raise_compiler_error(
                "mqx landing: raw table " ~ table_label ~ " is missing required column '"
                ~ column_name ~ "' (files in " ~ folder ~ "). Columns found: "
                ~ present.keys() | list | sort | join(', ')
                ~ ". Add the column to the export, or rename the one that holds it."
            ) %}
        {% else %}
            {% do select_list.append('cast(null as varchar) as ' ~ column_name) %}
        {% endif %}
    {% endfor %}
    {#- The row's place in the landed table: its file's position x 2^32 + its position
        in the file. Unique, in the order the files sort (a connector's later files sort
        after its earlier ones), and read without numbering the whole table in one window
        (that window was half the time of landing a table of millions of rows). -#}
    {% do select_list.append('filename as _mqx_file') %}
    {% do select_list.append(
        'landing_files._mqx_file_position * 4294967296 + landed.file_row_number'
        ~ ' as _mqx_row_number'
    ) %}
    {{ return(
        'create or replace view ' ~ target_relation ~ ' as select '
        ~ select_list | join(', ') ~ ' from (' ~ reader_sql ~ ') as landed'
        ~ ' inner join (values ' ~ file_positions | join(', ')
        ~ ') as landing_files (_mqx_landed_file, _mqx_file_position)'
        ~ ' on landed.filename = landing_files._mqx_landed_file'
    ) }}
{% endmacro %}


{#-
    Where each raw row came from, for the base models: `_mqx_file` and `_mqx_row_number`
    (its place in the landed table, which also breaks ties between re-sync copies that
    carry no _fivetran_synced: the last one read wins). The DuckDB landing views provide
    both (the row number is the file's position x 2^32 + the row's position in the file,
    so `_mqx_row_number % 4294967296` is the row's position in its file, from 0); on
    warehouse targets the connector's tables have neither, so the file is NULL and the
    row number is assigned in table order.
-#}
{% macro mqx_landing_lineage() %}
    {{ return(adapter.dispatch('mqx_landing_lineage', 'mqx')()) }}
{% endmacro %}

{% macro duckdb__mqx_landing_lineage() %}
    _mqx_file,
    _mqx_row_number
{% endmacro %}

{% macro default__mqx_landing_lineage() %}
    cast(null as {{ dbt.type_string() }}) as _mqx_file,
    row_number() over (order by 1) as _mqx_row_number
{% endmacro %}
