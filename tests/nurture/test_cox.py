"""Cox model against R coxph on the Rossi recidivism data."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from mkt_engineering.nurture.cox import CoxModel

COVARIATES = ["fin", "age", "race", "wexp", "mar", "paro", "prio"]


@pytest.fixture(scope="module")
def rossi_model(reference_dir):
    rossi = pl.read_csv(reference_dir / "survival" / "rossi.csv")
    return CoxModel().fit(rossi, duration="week", event="arrest", covariates=COVARIATES)


def test_rossi_efron_matches_r(rossi_model):
    """R: coxph(Surv(week, arrest) ~ fin + age + race + wexp + mar + paro + prio, data = rossi)."""
    r_coef = [-0.3794222, -0.0574377, 0.3138998, -0.1497957, -0.4337039, -0.0848711, 0.0914971]
    summary = rossi_model.summary()
    assert summary["covariate"].to_list() == COVARIATES
    np.testing.assert_allclose(summary["coef"].to_numpy(), r_coef, atol=1e-5)
    assert rossi_model.log_likelihood_ == pytest.approx(-658.75, abs=5e-3)
    np.testing.assert_allclose(summary["hazard_ratio"].to_numpy(), np.exp(r_coef), rtol=1e-4)
    assert (summary["ci_low"] < summary["hazard_ratio"]).all() and (
        summary["hazard_ratio"] < summary["ci_high"]
    ).all()


def test_breslow_differs_from_efron(reference_dir):
    rossi = pl.read_csv(reference_dir / "survival" / "rossi.csv")
    breslow = CoxModel(ties="breslow").fit(
        rossi, duration="week", event="arrest", covariates=COVARIATES
    )
    assert abs(breslow.params_[0] - (-0.3794222)) > 1e-4


def test_proportional_hazards_check_flags_age_and_wexp(rossi_model):
    """lifelines' check_assumptions (rank transform) flags age and wexp on rossi."""
    check = rossi_model.proportional_hazards_check()
    flagged = set(check.filter(~pl.col("proportional"))["covariate"].to_list())
    assert flagged == {"age", "wexp"}


def test_text_covariates_become_indicator_columns():
    frame = pl.DataFrame(
        {
            "t": [1, 2, 3, 4, 5, 6, 7, 8],
            "e": [1] * 8,
            "persona": ["cfo", "it", "cfo", "it", "dev", "dev", "it", "cfo"],
        }
    )
    model = CoxModel().fit(frame, duration="t", event="e", covariates=["persona"])
    assert model.covariates_ == ["persona=dev", "persona=it"]
