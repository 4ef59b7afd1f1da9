"""A calibrated P(in-market) per unit type: trained here in Python, scored in SQL.

The weekly feature history has one row per (unit_type, unit_id, as_of_date), numeric
feature columns named `f_*` (NULL means 0), a `label` (a New Business opportunity was
created for the unit's account within N days on/after as_of_date) and `label_known`
(as_of_date + N days is inside the data). Only rows with a known label are used.

For each unit type the distinct as_of_dates are split in time order into train (earliest),
calibration (next) and held-out test (the rest). Features are standardised on the train
weeks, an L2-regularised logistic regression is fitted by Newton's method, and a Platt
recalibration (`logit' = a * logit + b`) fitted on the calibration weeks is folded back into
the coefficients, so the final model is still one linear score:

    p = 1 / (1 + exp(-(intercept + sum_i coefficient_i * (x_i - mean_i) / scale_i)))

`coefficients_frame` writes that as a long table (one row per unit type and feature plus an
`__intercept__` row) for the SQL scorer; each feature's contribution to the score is one
coefficient times one standardised feature, so every score can be explained.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa

FEATURE_PREFIX = "f_"
INTERCEPT_NAME = "__intercept__"
KEY_COLUMNS = ("unit_type", "unit_id", "as_of_date")
COEFFICIENT_COLUMNS = [
    "unit_type",
    "feature_name",
    "coefficient",
    "feature_mean",
    "feature_scale",
    "train_from",
    "train_until",
    "calibration_until",
    "test_until",
    "train_rows",
    "train_positives",
    "notes",
]

_MAX_ITERATIONS = 100
_STEP_TOLERANCE = 1e-10
_CONSTANT_SCALE = 1e-12
# Weak Gaussian prior that keeps the Platt fit finite when the calibration weeks are
# perfectly separated by the score: pulls (b, a) towards the identity map (0, 1).
_PLATT_PRIOR_STRENGTH = 1.0
# Ridge added to every Newton system so a zero column can never make it singular.
_JITTER = 1e-9


# --------------------------------------------------------------------------- the fit


@dataclass
class PropensityFit:
    """One unit type's calibrated logistic model and how it was trained.

    `coefficients` apply to standardised features, `(x - means) / scales`; they already
    include the Platt recalibration (`raw_coefficients`, `raw_intercept`, `platt_a`,
    `platt_b` keep the pieces). Split dates are inclusive as_of_dates.
    """

    unit_type: str
    features: list[str]
    coefficients: np.ndarray
    intercept: float
    means: np.ndarray
    scales: np.ndarray
    train_from: dt.date | None = None
    train_until: dt.date | None = None
    calibration_until: dt.date | None = None
    test_until: dt.date | None = None
    train_rows: int = 0
    train_positives: int = 0
    calibration_rows: int = 0
    calibration_positives: int = 0
    test_rows: int = 0
    test_positives: int = 0
    raw_coefficients: np.ndarray | None = None
    raw_intercept: float = 0.0
    platt_a: float = 1.0
    platt_b: float = 0.0
    l2: float = 1.0
    iterations: int = 0
    notes: list[str] = field(default_factory=list)

    def standardised(self, frame: pd.DataFrame) -> np.ndarray:
        """The feature matrix of `frame`, NULLs as 0, standardised with the train weeks."""
        return (_feature_matrix(frame, self.features) - self.means) / self.scales

    def linear_score(self, frame: pd.DataFrame) -> np.ndarray:
        """The log-odds `intercept + sum_i coefficient_i * standardised x_i` per row."""
        return self.intercept + self.standardised(frame) @ self.coefficients

    def predict(self, frame: pd.DataFrame) -> np.ndarray:
        """Calibrated P(label) for each row of `frame` (needs every feature column)."""
        return _sigmoid(self.linear_score(frame))

    def contributions(self, frame: pd.DataFrame) -> pd.DataFrame:
        """`coefficient_i * standardised x_i` per row and feature (index kept from `frame`).

        The row sum plus `intercept` is the log-odds that `predict` turns into P.
        """
        values = self.standardised(frame) * self.coefficients
        return pd.DataFrame(values, index=frame.index, columns=list(self.features))

    def split_of(self, frame: pd.DataFrame) -> pd.Series:
        """'train', 'calibration', 'test' or 'after' for each row, from its as_of_date."""
        dates = _as_dates(frame["as_of_date"])
        labels = np.full(len(frame), "after", dtype=object)
        for name, until in (
            ("test", self.test_until),
            ("calibration", self.calibration_until),
            ("train", self.train_until),
        ):
            if until is not None:
                labels[(dates <= pd.Timestamp(until)).to_numpy()] = name
        return pd.Series(labels, index=frame.index, name="split")


def fit_propensity(
    frame: pd.DataFrame,
    *,
    l2: float = 1.0,
    train_share: float = 0.6,
    calibration_share: float = 0.15,
) -> PropensityFit:
    """Fit the calibrated model for the one unit type in `frame` (see the module doc).

    Raises ValueError for input it cannot fit (empty, several unit types, missing or
    non-numeric columns, duplicate keys, labels other than 0/1, no known labels).
    When the train weeks hold no positive (or no negative) label, the model falls back to
    the smoothed base rate of the train and calibration weeks with zero coefficients and
    says so in `notes`.
    """
    _check_options(l2, train_share, calibration_share)
    data = _prepare(frame)
    unit_types = data["unit_type"].unique()
    if len(unit_types) > 1:
        raise ValueError(
            f"fit_propensity fits one unit type; got {sorted(map(str, unit_types))} (use fit_all)"
        )
    unit_type = str(unit_types[0])
    features = _feature_names(data)
    known = data[data["label_known"]]
    if known.empty:
        raise ValueError(f"unit type {unit_type!r}: no rows with label_known true to train on")

    dates = np.sort(known["as_of_date"].unique())
    n_train, n_calibration = _split_sizes(len(dates), train_share, calibration_share)
    train_until = dates[n_train - 1]
    calibration_until = dates[n_train + n_calibration - 1] if n_calibration else None
    notes: list[str] = []
    if len(dates) < 3:
        notes.append(f"only {len(dates)} week(s) with known labels: no calibration/test split")

    as_of = known["as_of_date"]
    in_train = (as_of <= train_until).to_numpy()
    in_calibration = ~in_train
    if calibration_until is not None:
        in_calibration &= (as_of <= calibration_until).to_numpy()
    else:
        in_calibration[:] = False
    in_test = ~(in_train | in_calibration)

    x_all = _feature_matrix(known, features)
    y_all = known["label"].to_numpy(dtype=float)
    x_train, y_train = x_all[in_train], y_all[in_train]
    means = x_train.mean(axis=0)
    scales = x_train.std(axis=0)
    constant = scales < _CONSTANT_SCALE
    scales = np.where(constant, 1.0, scales)
    if constant.any():
        names = [name for name, flag in zip(features, constant, strict=True) if flag]
        notes.append("constant on the train weeks (coefficient 0): " + ", ".join(names))

    def standardise(x: np.ndarray) -> np.ndarray:
        return (x - means) / scales

    train_pos = int(y_train.sum())
    cal_y = y_all[in_calibration]
    iterations = 0
    platt_a, platt_b = 1.0, 0.0
    raw_coefficients = np.zeros(len(features))
    if train_pos == 0 or train_pos == len(y_train):
        kind = "positive" if train_pos == 0 else "negative"
        pooled = np.concatenate([y_train, cal_y])
        rate = (pooled.sum() + 0.5) / (len(pooled) + 1.0)
        raw_intercept = _logit(rate)
        notes.append(
            f"no {kind} labels in the train weeks: fell back to the base rate "
            f"{rate:.4g} of the train and calibration weeks with zero coefficients"
        )
    else:
        design = _with_intercept(standardise(x_train))
        penalty = np.r_[0.0, np.full(len(features), float(l2))]
        start = np.zeros(design.shape[1])
        start[0] = _logit(y_train.mean())
        beta, iterations, converged = _newton_logistic(
            design, y_train, penalty, np.zeros_like(start), start
        )
        if not converged:
            notes.append(
                f"Newton did not converge in {_MAX_ITERATIONS} iterations "
                "(perfect separation? raise l2)"
            )
        raw_intercept, raw_coefficients = float(beta[0]), beta[1:].copy()

        cal_pos = int(cal_y.sum())
        if len(cal_y) == 0:
            notes.append("no calibration weeks: Platt recalibration skipped")
        elif cal_pos == 0 or cal_pos == len(cal_y):
            notes.append("calibration weeks hold only one label value: Platt recalibration skipped")
        else:
            score = raw_intercept + standardise(x_all[in_calibration]) @ raw_coefficients
            platt_design = _with_intercept(score[:, None])
            prior = np.array([0.0, 1.0])
            strength = np.full(2, _PLATT_PRIOR_STRENGTH)
            ab, _, _ = _newton_logistic(platt_design, cal_y, strength, prior, prior.copy())
            platt_b, platt_a = float(ab[0]), float(ab[1])
            if platt_a <= 0:
                notes.append(
                    f"calibration slope {platt_a:.3g} <= 0: the score does not rank the "
                    "calibration weeks, so only its calibrated base rate is kept"
                )
                platt_a = 0.0
                platt_b = _logit((cal_pos + 0.5) / (len(cal_y) + 1.0))

    coefficients = platt_a * raw_coefficients
    intercept = platt_a * raw_intercept + platt_b
    coefficients[constant] = 0.0

    return PropensityFit(
        unit_type=unit_type,
        features=features,
        coefficients=coefficients,
        intercept=float(intercept),
        means=means,
        scales=scales,
        train_from=_to_date(dates[0]),
        train_until=_to_date(train_until),
        calibration_until=_to_date(calibration_until),
        test_until=_to_date(dates[-1]) if in_test.any() else None,
        train_rows=int(in_train.sum()),
        train_positives=train_pos,
        calibration_rows=int(in_calibration.sum()),
        calibration_positives=int(cal_y.sum()),
        test_rows=int(in_test.sum()),
        test_positives=int(y_all[in_test].sum()),
        raw_coefficients=raw_coefficients,
        raw_intercept=float(raw_intercept),
        platt_a=platt_a,
        platt_b=platt_b,
        l2=float(l2),
        iterations=iterations,
        notes=notes,
    )


def fit_all(frame: pd.DataFrame, **kw: float) -> dict[str, PropensityFit]:
    """`fit_propensity` for every unit type in `frame`, keyed and ordered by unit type."""
    if frame is None or len(frame) == 0:
        raise ValueError("feature history is empty: nothing to fit")
    if "unit_type" not in frame.columns:
        raise ValueError("feature history has no unit_type column")
    if frame["unit_type"].isna().any():
        raise ValueError("feature history has rows with a NULL unit_type")
    fits: dict[str, PropensityFit] = {}
    for unit_type in sorted(frame["unit_type"].astype(str).unique()):
        part = frame[frame["unit_type"].astype(str) == unit_type]
        fits[unit_type] = fit_propensity(part, **kw)
    return fits


SAMPLE_BUCKETS = 1_000_000


def unit_sample_predicate(rows_by_unit_type: dict[str, int], max_rows: int) -> str:
    """A DuckDB predicate that keeps about `max_rows` training rows per unit type.

    A unit type with at most `max_rows` rows keeps them all. A larger one keeps whole
    units (every week of a kept unit, so the time-ordered splits still see each unit's
    history) chosen by a hash of the unit id: the same units on every run, so training
    stays deterministic. The share kept is max_rows / rows, in millionths.
    """
    if max_rows < 1:
        raise ValueError(f"max training rows must be at least 1, got {max_rows}")
    kept: list[str] = []
    for unit_type in sorted(rows_by_unit_type):
        rows = int(rows_by_unit_type[unit_type])
        quoted = "'" + str(unit_type).replace("'", "''") + "'"
        if rows <= max_rows:
            kept.append(f"unit_type = {quoted}")
        else:
            buckets = max(1, SAMPLE_BUCKETS * max_rows // rows)
            kept.append(f"(unit_type = {quoted} and hash(unit_id) % {SAMPLE_BUCKETS} < {buckets})")
    return " or ".join(kept) if kept else "false"


def coefficients_frame(fits: dict[str, PropensityFit] | Sequence[PropensityFit]) -> pd.DataFrame:
    """The long coefficient table the SQL scorer reads.

    One `__intercept__` row (coefficient = intercept, mean 0, scale 1) then one row per
    feature in fit order, per unit type in name order.
    """
    items = list(fits.values()) if isinstance(fits, dict) else list(fits)
    rows = []
    for fit in sorted(items, key=lambda f: f.unit_type):
        shared = {
            "unit_type": fit.unit_type,
            "train_from": fit.train_from,
            "train_until": fit.train_until,
            "calibration_until": fit.calibration_until,
            "test_until": fit.test_until,
            "train_rows": fit.train_rows,
            "train_positives": fit.train_positives,
            "notes": "; ".join(fit.notes),
        }
        rows.append(
            {
                **shared,
                "feature_name": INTERCEPT_NAME,
                "coefficient": float(fit.intercept),
                "feature_mean": 0.0,
                "feature_scale": 1.0,
            }
        )
        for name, coefficient, mean, scale in zip(
            fit.features, fit.coefficients, fit.means, fit.scales, strict=True
        ):
            rows.append(
                {
                    **shared,
                    "feature_name": name,
                    "coefficient": float(coefficient),
                    "feature_mean": float(mean),
                    "feature_scale": float(scale),
                }
            )
    out = pd.DataFrame(rows, columns=COEFFICIENT_COLUMNS)
    out = out.astype(
        {
            "coefficient": "float64",
            "feature_mean": "float64",
            "feature_scale": "float64",
            "train_rows": "int64",
            "train_positives": "int64",
        }
    )
    for column in ("train_from", "train_until", "calibration_until", "test_until"):
        out[column] = out[column].astype(pd.ArrowDtype(pa.date32()))
    # text columns stay text even when there are no rows (an empty object column would
    # land in the warehouse as an integer column)
    for column in ("unit_type", "feature_name", "notes"):
        out[column] = out[column].astype(pd.ArrowDtype(pa.string()))
    return out


# --------------------------------------------------------------------------- metrics


def brier_score(y: Sequence[float] | np.ndarray, p: Sequence[float] | np.ndarray) -> float:
    """Mean squared difference between the 0/1 outcomes `y` and the probabilities `p`."""
    y_arr, p_arr = _outcomes_and_probabilities(y, p)
    return float(np.mean((p_arr - y_arr) ** 2))


def reliability_bins(
    y: Sequence[float] | np.ndarray,
    p: Sequence[float] | np.ndarray,
    n_bins: int = 10,
    *,
    quantile: bool = False,
) -> pd.DataFrame:
    """Predicted against observed rate per probability bin (non-empty bins only).

    Equal-width bins on [0, 1] by default (p = 1 falls in the last bin); with
    `quantile=True` the edges are quantiles of `p`, so bins hold about equal numbers of
    units (tied predictions always share a bin, so there may be fewer bins). `p_min` and
    `p_max` are the smallest and largest prediction inside the bin; `bin` counts from 1.
    """
    y_arr, p_arr = _outcomes_and_probabilities(y, p)
    if n_bins < 1:
        raise ValueError(f"n_bins must be at least 1, got {n_bins}")
    if quantile:
        edges = np.unique(np.quantile(p_arr, np.linspace(0.0, 1.0, n_bins + 1)))
        index = np.searchsorted(edges[1:-1], p_arr, side="right")
    else:
        index = np.minimum(np.floor(p_arr * n_bins).astype(np.int64), n_bins - 1)
    rows = []
    for b in np.unique(index):
        mask = index == b
        rows.append(
            {
                "bin": int(b) + 1,
                "p_min": float(p_arr[mask].min()),
                "p_max": float(p_arr[mask].max()),
                "mean_predicted": float(p_arr[mask].mean()),
                "observed_rate": float(y_arr[mask].mean()),
                "units": int(mask.sum()),
            }
        )
    return pd.DataFrame(
        rows, columns=["bin", "p_min", "p_max", "mean_predicted", "observed_rate", "units"]
    )


def expected_calibration_error(
    y: Sequence[float] | np.ndarray,
    p: Sequence[float] | np.ndarray,
    n_bins: int = 10,
    *,
    quantile: bool = False,
) -> float:
    """Unit-weighted mean of |observed rate - mean prediction| over `reliability_bins`."""
    bins = reliability_bins(y, p, n_bins, quantile=quantile)
    gap = (bins["observed_rate"] - bins["mean_predicted"]).abs()
    return float((gap * bins["units"]).sum() / bins["units"].sum())


def lift_at(
    y: Sequence[float] | np.ndarray,
    p_or_flag: Sequence[float] | np.ndarray,
    top_share: float = 0.1,
) -> float:
    """Outcome rate among the selected units divided by the overall rate.

    `p_or_flag` is either a boolean flag (the selection, e.g. "tier is mqx") or
    probabilities, in which case the top `top_share` of units by probability are selected
    (ties broken by position). NaN when nothing is selected or no outcome is positive.
    """
    y_arr = _outcomes(y)
    values = np.asarray(p_or_flag)
    if values.shape != y_arr.shape:
        raise ValueError(f"y has {y_arr.shape[0]} values but p_or_flag has {values.shape}")
    if values.dtype == bool:
        selected = values
    else:
        if not 0 < top_share <= 1:
            raise ValueError(f"top_share must be in (0, 1], got {top_share}")
        k = max(1, math.ceil(top_share * len(values)))
        order = np.argsort(-values.astype(float), kind="stable")
        selected = np.zeros(len(values), dtype=bool)
        selected[order[:k]] = True
    base = y_arr.mean()
    if not selected.any() or base == 0:
        return float("nan")
    return float(y_arr[selected].mean() / base)


# --------------------------------------------------------------------------- internals


def _outcomes(y: Sequence[float] | np.ndarray) -> np.ndarray:
    y_arr = np.asarray(y, dtype=float).ravel()
    if y_arr.size == 0:
        raise ValueError("no outcomes given")
    if not np.isin(y_arr, (0.0, 1.0)).all():
        raise ValueError("outcomes must be 0/1 (or boolean) without NULLs")
    return y_arr


def _outcomes_and_probabilities(
    y: Sequence[float] | np.ndarray, p: Sequence[float] | np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    y_arr = _outcomes(y)
    p_arr = np.asarray(p, dtype=float).ravel()
    if p_arr.shape != y_arr.shape:
        raise ValueError(f"y has {y_arr.size} values but p has {p_arr.size}")
    if not np.isfinite(p_arr).all() or (p_arr < 0).any() or (p_arr > 1).any():
        raise ValueError("probabilities must be finite and within [0, 1]")
    return y_arr, p_arr


def _check_options(l2: float, train_share: float, calibration_share: float) -> None:
    if not np.isfinite(l2) or l2 < 0:
        raise ValueError(f"l2 must be a finite number >= 0, got {l2}")
    if not 0 < train_share < 1:
        raise ValueError(f"train_share must be in (0, 1), got {train_share}")
    if not 0 <= calibration_share < 1 or train_share + calibration_share >= 1:
        raise ValueError(
            "calibration_share must be >= 0 and leave room for test weeks "
            f"(train_share + calibration_share < 1), got {train_share} + {calibration_share}"
        )


def _prepare(frame: pd.DataFrame) -> pd.DataFrame:
    """Validated, sorted copy: keys present and unique, labels 0/1, label_known bool."""
    if frame is None or len(frame) == 0:
        raise ValueError("feature history is empty: nothing to fit")
    missing = [c for c in (*KEY_COLUMNS, "label", "label_known") if c not in frame.columns]
    if missing:
        raise ValueError(f"feature history is missing column(s): {', '.join(missing)}")
    data = frame.copy()
    if data["unit_type"].isna().any() or data["as_of_date"].isna().any():
        raise ValueError("feature history has rows with a NULL unit_type or as_of_date")
    data["as_of_date"] = _as_dates(data["as_of_date"])
    duplicated = data.duplicated(list(KEY_COLUMNS))
    if duplicated.any():
        first = data.loc[duplicated, list(KEY_COLUMNS)].iloc[0].tolist()
        raise ValueError(
            f"feature history has {int(duplicated.sum())} duplicate "
            f"(unit_type, unit_id, as_of_date) rows, e.g. {first}"
        )
    data["label_known"] = data["label_known"].fillna(False).astype(bool)
    known_labels = data.loc[data["label_known"], "label"]
    if known_labels.isna().any():
        raise ValueError("label is NULL on rows where label_known is true")
    numeric = pd.to_numeric(known_labels, errors="coerce")
    if numeric.isna().any() or not numeric.isin([0, 1]).all():
        raise ValueError("label must be boolean or 0/1 on rows where label_known is true")
    data["label"] = pd.to_numeric(data["label"], errors="coerce").astype(float)
    order = np.lexsort((data["unit_id"].astype(str).to_numpy(), data["as_of_date"].to_numpy()))
    return data.iloc[order].reset_index(drop=True)


def _feature_names(data: pd.DataFrame) -> list[str]:
    features = sorted(str(c) for c in data.columns if str(c).startswith(FEATURE_PREFIX))
    if not features:
        raise ValueError(
            f"feature history has no feature columns (names starting {FEATURE_PREFIX!r})"
        )
    return features


def _feature_matrix(frame: pd.DataFrame, features: Sequence[str]) -> np.ndarray:
    missing = [name for name in features if name not in frame.columns]
    if missing:
        raise ValueError(f"frame is missing feature column(s): {', '.join(missing)}")
    columns = []
    for name in features:
        column = frame[name]
        if column.dtype == bool or str(column.dtype) == "boolean":
            column = column.astype("float64")
        values = pd.to_numeric(column, errors="coerce")
        if values.isna().sum() > column.isna().sum():
            raise ValueError(f"feature column {name} is not numeric")
        columns.append(values.fillna(0.0).to_numpy(dtype=float))
    if not columns:
        return np.zeros((len(frame), 0))
    return np.column_stack(columns)


def _as_dates(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values).dt.normalize()


def _to_date(value: object) -> dt.date | None:
    if value is None:
        return None
    return pd.Timestamp(value).date()


def _split_sizes(n_dates: int, train_share: float, calibration_share: float) -> tuple[int, int]:
    """How many of the distinct dates go to train and calibration (test gets the rest)."""
    if n_dates < 3:
        return n_dates, 0
    n_train = min(max(1, round(n_dates * train_share)), n_dates - 2)
    n_calibration = round(n_dates * calibration_share)
    n_calibration = min(max(1, n_calibration), n_dates - n_train - 1)
    if calibration_share == 0:
        n_calibration = 0
    return n_train, n_calibration


def _with_intercept(x: np.ndarray) -> np.ndarray:
    return np.column_stack([np.ones(len(x)), x])


def _sigmoid(z: np.ndarray) -> np.ndarray:
    z = np.asarray(z, dtype=float)
    out = np.empty_like(z)
    positive = z >= 0
    out[positive] = 1.0 / (1.0 + np.exp(-z[positive]))
    e = np.exp(z[~positive])
    out[~positive] = e / (1.0 + e)
    return out


def _logit(p: float) -> float:
    p = min(max(float(p), 1e-12), 1 - 1e-12)
    return math.log(p / (1 - p))


def _objective(
    design: np.ndarray, y: np.ndarray, beta: np.ndarray, penalty: np.ndarray, prior: np.ndarray
) -> float:
    z = design @ beta
    loss = np.sum(np.logaddexp(0.0, z) - y * z)
    return float(loss + 0.5 * np.sum(penalty * (beta - prior) ** 2))


def _newton_logistic(
    design: np.ndarray,
    y: np.ndarray,
    penalty: np.ndarray,
    prior: np.ndarray,
    start: np.ndarray,
) -> tuple[np.ndarray, int, bool]:
    """Penalised logistic regression by damped Newton steps.

    Minimises sum(log(1 + e^z) - y z) + 0.5 * sum(penalty * (beta - prior)^2), z = X beta.
    A tiny ridge keeps every Newton system solvable, and halving the step whenever the
    objective does not fall keeps the iteration stable near separation.
    Returns (beta, iterations, converged).
    """
    beta = start.astype(float).copy()
    current = _objective(design, y, beta, penalty, prior)
    ridge = np.diag(penalty + _JITTER)
    for iteration in range(1, _MAX_ITERATIONS + 1):
        p = _sigmoid(design @ beta)
        gradient = design.T @ (p - y) + penalty * (beta - prior)
        weights = p * (1.0 - p)
        hessian = (design * weights[:, None]).T @ design + ridge
        try:
            step = np.linalg.solve(hessian, gradient)
        except np.linalg.LinAlgError:
            step = np.linalg.lstsq(hessian, gradient, rcond=None)[0]
        scale = 1.0
        while True:
            candidate = beta - scale * step
            value = _objective(design, y, candidate, penalty, prior)
            if value <= current or scale < 1e-8:
                break
            scale /= 2.0
        moved = float(np.max(np.abs(candidate - beta))) if len(beta) else 0.0
        beta, current = candidate, value
        if moved < _STEP_TOLERANCE * (1.0 + float(np.max(np.abs(beta)))):
            return beta, iteration, True
    return beta, _MAX_ITERATIONS, False
