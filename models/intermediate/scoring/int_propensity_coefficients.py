"""Train P(in-market) per unit type on the weekly feature history.

A thin wrapper: the training, time-ordered splits and calibration live in
mqx.propensity (tested by pytest). Scoring happens in SQL (int_unit_scores_weekly)
from the coefficients this model writes. With no history whose outcome is known yet
(a new install, or data without activity), it writes no coefficients and every unit
scores P(in-market) 0 until there is. A unit type with more than max_training_rows
known weeks trains on a fixed hash sample of its units of about that many rows.
"""

from mqx.propensity import coefficients_frame, fit_all, unit_sample_predicate


def model(dbt, session):
    dbt.config(materialized="table")
    features = list(dbt.config.get("features"))
    l2 = float(dbt.config.get("l2"))
    columns = ["unit_type", "unit_id", "as_of_date", "label", "label_known", *features]
    max_rows = int(dbt.config.get("max_training_rows"))
    known = dbt.ref("int_unit_features_weekly").filter("label_known")
    rows = dict(known.aggregate("unit_type, count(*)").fetchall())
    history = known.filter(unit_sample_predicate(rows, max_rows)).project(", ".join(columns))
    frame = history.df().rename(columns={name: f"f_{name}" for name in features})
    coefficients = coefficients_frame(fit_all(frame, l2=l2) if len(frame) else {})
    coefficients["feature_name"] = coefficients["feature_name"].str.removeprefix("f_")
    return coefficients
