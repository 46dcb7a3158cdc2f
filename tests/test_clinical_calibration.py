"""Under the null (readout independent of CIPN) the logistic test rejects at its nominal rate."""

import pytest

from ire1seq.clinical.simulate import null_rejection_rates


@pytest.mark.slow
def test_logistic_false_positive_rate_within_2_to_8_percent():
    rates = null_rejection_rates(n_cohorts=200, n_patients=40, alpha=0.05, seed=10_000, traps=0.0)
    logistic = rates[rates["model"] == "logistic"]
    assert (logistic["tested"] >= 190).all()
    assert logistic["rate"].between(0.02, 0.08).all(), logistic
