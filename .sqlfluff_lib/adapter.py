"""Lint-time stand-in for dbt's `adapter` object (sqlfluff's jinja templater).

`adapter.dispatch(name, package)(*args)` renders as a plain SQL call `name(args)`, which
is enough for the linter to check the layout of the model around it.
"""


def dispatch(macro_name, macro_namespace=None):  # noqa: ARG001 - dbt's signature
    def render(*args, **kwargs):
        rendered = [str(a) for a in args] + [str(v) for v in kwargs.values()]
        return f"{macro_name}({', '.join(rendered)})"

    return render
