"""Lint-time stand-ins for dbt's Jinja context, for sqlfluff's jinja templater.

sqlfluff renders each model without dbt. These stand-ins make the rendered SQL close to
what dbt compiles: `var()` returns the project's real vars from dbt_project.yml,
`adapter.dispatch(name)(...)` and `dbt.<macro>(...)` render as plain SQL calls, and the
`dbt.type_*()` macros as type names; `target` is the default DuckDB target.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

_PROJECT = Path(__file__).resolve().parents[2] / "dbt_project.yml"
_VARS: dict[str, Any] = yaml.safe_load(_PROJECT.read_text()).get("vars", {}) or {}

_TYPES = {
    "type_string": "varchar",
    "type_timestamp": "timestamp",
    "type_numeric": "numeric",
    "type_int": "integer",
    "type_bigint": "bigint",
    "type_float": "double",
    "type_boolean": "boolean",
}


def var(name: str, default: Any = None) -> Any:
    """The project's var, as dbt would give it without --vars."""
    return _VARS.get(name, default)


def _sql_call(name: str):
    def render(*args: Any, **kwargs: Any) -> str:
        rendered = [str(a) for a in args] + [str(v) for v in kwargs.values()]
        return f"{name}({', '.join(rendered)})"

    return render


class _Column:
    def __init__(self, name: str) -> None:
        self.name = name


class _Adapter:
    def dispatch(self, macro_name: str, macro_namespace: str | None = None):
        return _sql_call(macro_name)

    def get_columns_in_relation(self, relation: Any) -> list[_Column]:
        """sqlfluff's is_incremental() is true: the incremental branch needs columns."""
        return [_Column("stored_column"), _Column("row_outcome")]


def _listagg(measure: str, delimiter_text: str = "','", order_by_clause: str = "", *_: Any) -> str:
    return f"string_agg({measure}, {delimiter_text} {order_by_clause or ''})"


class _DbtMacros:
    listagg = staticmethod(_listagg)

    def __getattr__(self, name: str):
        if name in _TYPES:
            return lambda *args, **kwargs: _TYPES[name]
        return _sql_call(name)


class _Target:
    """The default target, as dbt's `target` gives it."""

    type = "duckdb"
    name = "duckdb"


adapter = _Adapter()
target = _Target()
dbt = _DbtMacros()
