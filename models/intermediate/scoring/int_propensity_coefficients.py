"""Train P(in-market) per unit type on the weekly feature history.

A thin wrapper: the training, time-ordered splits and calibration live in
mqx.propensity (tested by pytest). Scoring happens in SQL (int_unit_scores_weekly)
from the coefficients this model writes. With no history whose outcome is known yet
(a new install, or data without activity), it writes no coefficients and every unit
scores P(in-market) 0 until there is.
"""

from mqx.propensity import coefficients_frame, fit_all


def model(dbt, session):
    dbt.config(materialized="table")
    features = list(dbt.config.get("features"))
    l2 = float(dbt.config.get("l2"))
    columns = ["unit_type", "unit_id", "as_of_date", "label", "label_known", *features]
    history = dbt.ref("int_unit_features_weekly").filter("label_known").project(", ".join(columns))
    frame = history.df().rename(columns={name: f"f_{name}" for name in features})
    coefficients = coefficients_frame(fit_all(frame, l2=l2) if len(frame) else {})
    coefficients["feature_name"] = coefficients["feature_name"].str.removeprefix("f_")
    return coefficients
