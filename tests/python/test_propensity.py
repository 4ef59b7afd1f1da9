"""The propensity model: fitted from synthetic weeks drawn from a known logistic model."""

from __future__ import annotations

import datetime as dt

import duckdb
import numpy as np
import pandas as pd
import pytest

from mqx.propensity import (
    COEFFICIENT_COLUMNS,
    INTERCEPT_NAME,
    PropensityFit,
    brier_score,
    coefficients_frame,
    expected_calibration_error,
    fit_all,
    fit_propensity,
    lift_at,
    reliability_bins,
    unit_sample_predicate,
)

TRUE_INTERCEPT = -2.0
# raw-scale coefficients of the generating model
TRUE_COEFFICIENTS = {"f_engagement_score": 0.9, "f_intent_score": -0.6, "f_has_referral": 1.2}
FIRST_WEEK = dt.date(2024, 1, 1)


def synthetic_history(
    weeks: int = 40,
    units: int = 500,
    seed: int = 7,
    unit_type: str = "account",
    intercept: float = TRUE_INTERCEPT,
) -> pd.DataFrame:
    """Weekly rows whose labels come from a logistic model with known coefficients."""
    rng = np.random.default_rng(seed)
    parts = []
    for week in range(weeks):
        engagement = rng.normal(1.0, 1.5, units)
        intent = rng.exponential(1.0, units)
        referral = (rng.random(units) < 0.3).astype(float)
        z = (
            intercept
            + TRUE_COEFFICIENTS["f_engagement_score"] * engagement
            + TRUE_COEFFICIENTS["f_intent_score"] * intent
            + TRUE_COEFFICIENTS["f_has_referral"] * referral
        )
        label = rng.random(units) < 1.0 / (1.0 + np.exp(-z))
        parts.append(
            pd.DataFrame(
                {
                    "unit_type": unit_type,
                    "unit_id": [f"{unit_type[:1].upper()}{i:05d}" for i in range(units)],
                    "as_of_date": FIRST_WEEK + dt.timedelta(weeks=week),
                    "label": label,
                    "label_known": True,
                    "f_engagement_score": engagement,
                    "f_intent_score": intent,
                    "f_has_referral": referral,
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


@pytest.fixture(scope="module")
def history() -> pd.DataFrame:
    return synthetic_history()


@pytest.fixture(scope="module")
def fit(history) -> PropensityFit:
    return fit_propensity(history)


def raw_scale(fit: PropensityFit, coefficients: np.ndarray, intercept: float):
    """Coefficients on the unstandardised features, and the matching intercept."""
    per_unit = coefficients / fit.scales
    return dict(zip(fit.features, per_unit, strict=True)), intercept - per_unit @ fit.means


def split_rows(frame: pd.DataFrame, fit: PropensityFit, split: str) -> pd.DataFrame:
    return frame[fit.split_of(frame) == split]


# --------------------------------------------------------------------------- fitting


def test_recovers_the_generating_coefficients(fit):
    before_platt, before_intercept = raw_scale(fit, fit.raw_coefficients, fit.raw_intercept)
    for name, truth in TRUE_COEFFICIENTS.items():
        assert before_platt[name] == pytest.approx(truth, abs=0.1), name
    assert before_intercept == pytest.approx(TRUE_INTERCEPT, abs=0.15)
    # a well-specified model needs little recalibration
    assert fit.platt_a == pytest.approx(1.0, abs=0.2)
    after_platt, after_intercept = raw_scale(fit, fit.coefficients, fit.intercept)
    for name, truth in TRUE_COEFFICIENTS.items():
        assert after_platt[name] == pytest.approx(truth, rel=0.25), name
    assert fit.notes == []


def test_splits_distinct_weeks_in_time_order(fit, history):
    assert fit.train_from == FIRST_WEEK
    assert fit.train_until == FIRST_WEEK + dt.timedelta(weeks=23)  # 24 of 40 weeks
    assert fit.calibration_until == FIRST_WEEK + dt.timedelta(weeks=29)  # next 6
    assert fit.test_until == FIRST_WEEK + dt.timedelta(weeks=39)
    assert (fit.train_rows, fit.calibration_rows, fit.test_rows) == (12_000, 3_000, 5_000)
    train = split_rows(history, fit, "train")
    assert fit.train_positives == int(train["label"].sum())
    np.testing.assert_allclose(fit.means, train[fit.features].mean().to_numpy())


def test_unknown_labels_are_never_used(history):
    base = fit_propensity(history)
    later = synthetic_history(weeks=4, seed=99)
    later["as_of_date"] = later["as_of_date"] + dt.timedelta(weeks=40)
    later["label"] = True
    later["label_known"] = False
    refit = fit_propensity(pd.concat([history, later], ignore_index=True))
    np.testing.assert_array_equal(refit.coefficients, base.coefficients)
    assert refit.test_until == base.test_until


def test_fit_is_deterministic_and_ignores_row_order(history, fit):
    again = fit_propensity(history)
    np.testing.assert_array_equal(again.coefficients, fit.coefficients)
    assert again.intercept == fit.intercept
    shuffled = history.sample(frac=1.0, random_state=3)[history.columns[::-1]]
    reordered = fit_propensity(shuffled)
    np.testing.assert_array_equal(reordered.coefficients, fit.coefficients)
    assert reordered.intercept == fit.intercept


def test_no_leakage_from_later_weeks(history, fit):
    test_rows = fit.split_of(history) == "test"
    flipped = history.copy()
    flipped.loc[test_rows, "label"] = ~flipped.loc[test_rows, "label"]
    flipped.loc[test_rows, "f_engagement_score"] = 100.0
    refit = fit_propensity(flipped)
    np.testing.assert_array_equal(refit.coefficients, fit.coefficients)
    np.testing.assert_array_equal(refit.means, fit.means)
    assert refit.intercept == fit.intercept

    # calibration labels move only the Platt map, never the raw regression
    calibration_rows = fit.split_of(history) == "calibration"
    recalibrated = history.copy()
    recalibrated.loc[calibration_rows, "label"] = ~recalibrated.loc[calibration_rows, "label"]
    refit = fit_propensity(recalibrated)
    np.testing.assert_array_equal(refit.raw_coefficients, fit.raw_coefficients)
    assert refit.platt_a != fit.platt_a

    # ...while one train label does change the coefficients
    changed = history.copy()
    first_train_negative = changed.index[~changed["label"]][0]
    changed.loc[first_train_negative, "label"] = True
    refit = fit_propensity(changed)
    assert not np.array_equal(refit.coefficients, fit.coefficients)


# --------------------------------------------------------------------------- calibration


def test_held_out_weeks_are_well_calibrated(history, fit):
    test = split_rows(history, fit, "test")
    p = fit.predict(test)
    assert expected_calibration_error(test["label"], p) < 0.03
    # the same scores pushed to be over-confident are badly calibrated
    over_confident = 1.0 / (1.0 + np.exp(-3.0 * fit.linear_score(test) - 1.0))
    assert expected_calibration_error(test["label"], over_confident) > 0.1


def test_platt_repairs_a_shrunk_model(history):
    shrunk = fit_propensity(history, l2=3_000.0)
    test = split_rows(history, shrunk, "test")
    raw_score = shrunk.raw_intercept + shrunk.standardised(test) @ shrunk.raw_coefficients
    raw_p = 1.0 / (1.0 + np.exp(-raw_score))
    assert expected_calibration_error(test["label"], raw_p) > 0.08
    assert shrunk.platt_a > 2.0
    assert expected_calibration_error(test["label"], shrunk.predict(test)) < 0.03


def test_folded_platt_equals_applying_it_afterwards(history, fit):
    raw_score = fit.raw_intercept + fit.standardised(history) @ fit.raw_coefficients
    separately = 1.0 / (1.0 + np.exp(-(fit.platt_a * raw_score + fit.platt_b)))
    np.testing.assert_allclose(fit.predict(history), separately, rtol=1e-12, atol=1e-15)


def test_contributions_add_up_to_the_score(history, fit):
    sample = history.head(50)
    parts = fit.contributions(sample)
    assert list(parts.columns) == fit.features
    assert parts.index.equals(sample.index)
    logit = fit.intercept + parts.sum(axis=1).to_numpy()
    np.testing.assert_allclose(1.0 / (1.0 + np.exp(-logit)), fit.predict(sample), rtol=1e-12)


# --------------------------------------------------------------------------- SQL scoring


def test_sql_formula_from_the_coefficient_table_equals_predict(history):
    both = pd.concat(
        [history, synthetic_history(weeks=12, units=200, seed=5, unit_type="lead", intercept=-1)],
        ignore_index=True,
    )
    fits = fit_all(both)
    coefficients = coefficients_frame(fits)
    # score a few rows with NULL features: NULL means 0
    scored = both.groupby("unit_type").head(300).copy()
    scored.iloc[::7, scored.columns.get_loc("f_intent_score")] = np.nan
    scored.iloc[::5, scored.columns.get_loc("f_has_referral")] = np.nan
    expected = pd.concat(
        [
            pd.Series(fits[unit_type].predict(part), index=part.index)
            for unit_type, part in scored.groupby("unit_type")
        ]
    ).loc[scored.index]

    con = duckdb.connect()
    con.register("features", scored.reset_index(names="row_id"))
    con.register("coefficients", coefficients)
    sql_p = con.execute(
        """
        with long_features as (
            -- NULL means 0, so coalesce before unpivoting (which drops NULL values)
            unpivot (
                select
                    row_id,
                    unit_type,
                    coalesce(f_engagement_score, 0) as f_engagement_score,
                    coalesce(f_intent_score, 0) as f_intent_score,
                    coalesce(f_has_referral, 0) as f_has_referral
                from features
            )
            on f_engagement_score, f_intent_score, f_has_referral
            into name feature_name value feature_value
        ),
        terms as (
            select
                long_features.row_id,
                coefficients.coefficient
                * (long_features.feature_value - coefficients.feature_mean)
                / coefficients.feature_scale as term
            from long_features
            inner join coefficients
                on long_features.unit_type = coefficients.unit_type
                and long_features.feature_name = coefficients.feature_name
        ),
        intercepts as (
            select features.row_id, coefficients.coefficient as term
            from features
            inner join coefficients
                on features.unit_type = coefficients.unit_type
                and coefficients.feature_name = '__intercept__'
        ),
        scores as (
            select row_id, sum(term) as logit
            from (select * from terms union all select * from intercepts)
            group by row_id
        )
        select row_id, 1 / (1 + exp(-logit)) as p
        from scores
        order by row_id
        """
    ).fetchall()
    got = pd.Series([p for _, p in sql_p], index=[row_id for row_id, _ in sql_p])
    assert len(got) == len(scored)
    np.testing.assert_allclose(got.loc[scored.index].to_numpy(), expected.to_numpy(), rtol=1e-12)


def test_coefficients_frame_shape_and_order(history):
    leads = synthetic_history(weeks=10, units=100, seed=1, unit_type="lead")
    fits = fit_all(pd.concat([leads, history], ignore_index=True))
    assert list(fits) == ["account", "lead"]
    table = coefficients_frame(fits)
    assert list(table.columns) == COEFFICIENT_COLUMNS
    features = sorted(TRUE_COEFFICIENTS)
    assert table["unit_type"].tolist() == ["account"] * 4 + ["lead"] * 4
    assert table["feature_name"].tolist() == [INTERCEPT_NAME, *features] * 2
    intercept = table[table["feature_name"] == INTERCEPT_NAME].iloc[0]
    assert intercept["coefficient"] == fits["account"].intercept
    assert (intercept["feature_mean"], intercept["feature_scale"]) == (0.0, 1.0)
    assert intercept["train_rows"] == fits["account"].train_rows
    assert table.loc[0, "train_until"] == fits["account"].train_until
    con = duckdb.connect()
    con.register("coefficient_table", table)
    kinds = con.execute("describe select * from coefficient_table").fetchall()
    types = {name: kind for name, kind, *_ in kinds}
    assert types["train_from"] == "DATE"
    assert types["coefficient"] == "DOUBLE"
    pd.testing.assert_frame_equal(table, coefficients_frame(list(fits.values())))


# --------------------------------------------------------------------------- degenerate input


def test_no_positive_train_labels_falls_back_to_the_base_rate(history):
    quiet = history.copy()
    train_until = pd.Timestamp(fit_propensity(history).train_until)
    quiet.loc[pd.to_datetime(quiet["as_of_date"]) <= train_until, "label"] = False
    fit = fit_propensity(quiet)
    assert np.all(fit.coefficients == 0.0)
    assert any("no positive labels in the train weeks" in note for note in fit.notes)
    p = fit.predict(quiet.head(20))
    assert np.allclose(p, p[0])
    calibration = split_rows(quiet, fit, "calibration")
    pooled_rate = (calibration["label"].sum() + 0.5) / (fit.train_rows + len(calibration) + 1)
    assert p[0] == pytest.approx(pooled_rate)
    assert "no positive labels" in coefficients_frame([fit])["notes"].iloc[0]


def test_constant_feature_gets_zero_weight_and_unit_scale(history):
    flat = history.assign(f_multi_person_week=1.0)
    fit = fit_propensity(flat)
    index = fit.features.index("f_multi_person_week")
    assert fit.coefficients[index] == 0.0
    assert fit.scales[index] == 1.0
    assert any("f_multi_person_week" in note for note in fit.notes)
    others = [i for i in range(len(fit.features)) if i != index]
    base = fit_propensity(history)
    np.testing.assert_allclose(fit.coefficients[others], base.coefficients, rtol=1e-8)


def test_all_null_feature_counts_as_zero(history):
    fit = fit_propensity(history.assign(f_decision_makers_28d=np.nan))
    index = fit.features.index("f_decision_makers_28d")
    assert (fit.means[index], fit.scales[index], fit.coefficients[index]) == (0.0, 1.0, 0.0)


def test_perfect_separation_stays_finite():
    rng = np.random.default_rng(1)
    x = rng.normal(size=2000)
    separable = pd.DataFrame(
        {
            "unit_type": "account",
            "unit_id": [f"A{i}" for i in range(2000)],
            "as_of_date": [FIRST_WEEK + dt.timedelta(weeks=i % 20) for i in range(2000)],
            "label": x > 0.5,
            "label_known": True,
            "f_x": x,
        }
    )
    fit = fit_propensity(separable)
    assert fit.notes == []
    assert np.isfinite(fit.coefficients).all() and fit.iterations < 30
    unpenalised = fit_propensity(separable, l2=0.0)
    assert any("did not converge" in note for note in unpenalised.notes)
    assert np.isfinite(unpenalised.predict(separable)).all()


def test_bad_input_raises_clear_errors(history):
    with pytest.raises(ValueError, match="empty"):
        fit_propensity(history.head(0))
    with pytest.raises(ValueError, match="empty"):
        fit_all(history.head(0))
    with pytest.raises(ValueError, match="use fit_all"):
        fit_propensity(history.assign(unit_type=np.where(history.index % 2, "lead", "account")))
    with pytest.raises(ValueError, match="label_known"):
        fit_propensity(history.drop(columns="label_known"))
    with pytest.raises(ValueError, match="no rows with label_known"):
        fit_propensity(history.assign(label_known=False))
    with pytest.raises(ValueError, match="duplicate"):
        fit_propensity(pd.concat([history.head(3), history.head(1)]))
    with pytest.raises(ValueError, match="no feature columns"):
        fit_propensity(history[["unit_type", "unit_id", "as_of_date", "label", "label_known"]])
    with pytest.raises(ValueError, match="f_intent_score is not numeric"):
        fit_propensity(history.assign(f_intent_score="high"))
    with pytest.raises(ValueError, match="0/1"):
        fit_propensity(history.assign(label=2))
    with pytest.raises(ValueError, match="train_share"):
        fit_propensity(history, train_share=0.9, calibration_share=0.2)
    with pytest.raises(ValueError, match="missing feature column"):
        fit_propensity(history).predict(history.drop(columns="f_intent_score"))


# --------------------------------------------------------------------------- metrics


def test_brier_score_by_hand():
    assert brier_score([1, 0, 1, 0], [0.8, 0.4, 1.0, 0.0]) == pytest.approx(0.05)
    with pytest.raises(ValueError):
        brier_score([1, 0], [0.5, 1.5])


def test_reliability_bins_and_ece_by_hand():
    y = [0, 0, 1, 1, 1, 0]
    p = [0.05, 0.15, 0.12, 0.85, 0.95, 1.0]
    bins = reliability_bins(y, p, n_bins=2)
    assert bins["bin"].tolist() == [1, 2]
    assert bins["units"].tolist() == [3, 3]
    assert bins["mean_predicted"].tolist() == pytest.approx([0.32 / 3, 2.8 / 3])
    assert bins["observed_rate"].tolist() == pytest.approx([1 / 3, 2 / 3])
    assert (bins["p_min"].tolist(), bins["p_max"].tolist()) == ([0.05, 0.85], [0.15, 1.0])
    # |1/3 - 0.32/3| and |2/3 - 2.8/3|, both bins hold half the units
    expected = 0.5 * abs(1 / 3 - 0.32 / 3) + 0.5 * abs(2 / 3 - 2.8 / 3)
    assert expected_calibration_error(y, p, n_bins=2) == pytest.approx(expected)
    # ten equal-width bins: empty ones are left out
    assert reliability_bins(y, p)["bin"].tolist() == [1, 2, 9, 10]


def test_quantile_bins_hold_equal_counts():
    p = np.linspace(0.0, 0.2, 100)
    y = (np.arange(100) % 5 == 0).astype(int)
    bins = reliability_bins(y, p, n_bins=4, quantile=True)
    assert bins["units"].tolist() == [25, 25, 25, 25]
    assert bins["p_max"].is_monotonic_increasing
    assert len(reliability_bins(y, np.full(100, 0.2), n_bins=4, quantile=True)) == 1


def test_lift_by_hand():
    y = np.array([1, 1, 0, 0, 0, 0, 0, 0, 0, 0])
    flag = np.array([True, True, True, False, False, False, False, False, False, False])
    assert lift_at(y, flag) == pytest.approx((2 / 3) / 0.2)
    p = np.linspace(1.0, 0.1, 10)
    assert lift_at(y, p, top_share=0.2) == pytest.approx(5.0)
    assert np.isnan(lift_at(np.zeros(10), flag))


def test_unit_sample_keeps_whole_units_up_to_the_cap():
    # 3,000 accounts x 10 weeks (30,000 rows) and 50 leads x 10 weeks, cap 6,000 rows
    weeks = 10
    frame = pd.DataFrame(
        [("account", f"a{unit}", week) for unit in range(3000) for week in range(weeks)]
        + [("lead", f"l{unit}", week) for unit in range(50) for week in range(weeks)],
        columns=["unit_type", "unit_id", "week"],
    )
    rows = frame.groupby("unit_type").size().to_dict()
    predicate = unit_sample_predicate(rows, 6000)
    sql = f"select unit_type, unit_id, count(*) as weeks from frame where {predicate} group by all"
    with duckdb.connect() as con:
        con.register("frame", frame)
        kept = con.execute(sql).df()
        again = con.execute(sql).df()
    by_type = kept.groupby("unit_type")["weeks"].sum().to_dict()
    assert by_type["lead"] == 500  # under the cap: every row
    assert 5000 <= by_type["account"] <= 7000  # about the cap
    assert (kept["weeks"] == weeks).all()  # whole units only
    assert sorted(kept["unit_id"]) == sorted(again["unit_id"])  # the same units every run
    assert unit_sample_predicate(rows, 10**9) == "unit_type = 'account' or unit_type = 'lead'"
    with pytest.raises(ValueError, match="at least 1"):
        unit_sample_predicate(rows, 0)
