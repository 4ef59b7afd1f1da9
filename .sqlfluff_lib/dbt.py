"""Lint-time stand-in for dbt's cross-database macros (`dbt.dateadd`, `dbt.type_*`...).

Type macros render as a plain type name, every other macro as a SQL call with its
arguments, so sqlfluff's jinja templater can lay out the surrounding model.
"""

_TYPES = {
    "type_string": "varchar",
    "type_timestamp": "timestamp",
    "type_numeric": "numeric",
    "type_int": "integer",
    "type_bigint": "bigint",
    "type_float": "double",
    "type_boolean": "boolean",
}


def __getattr__(name):
    if name in _TYPES:
        return lambda *args, **kwargs: _TYPES[name]

    def render(*args, **kwargs):
        rendered = [str(a) for a in args] + [str(v) for v in kwargs.values()]
        return f"{name}({', '.join(rendered)})"

    return render
