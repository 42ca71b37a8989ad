"""Confidence calibration: temperature scaling fitted on validation texts, stored with the model."""

import json
import subprocess
import sys

import pytest
import torch

from tinystudio.core.calibration import (
    calibrate,
    confidence_level,
    expected_calibration_error,
    fit_temperature,
    nll,
)
from tinystudio.core.data import load_dataset
from tinystudio.core.modelio import load_model, save_model
from tinystudio.core.pipeline import calibrate_on_split
from tinystudio.core.training.config import TrainConfig
from tinystudio.core.training.loop import train


def _overconfident(n=400, k=5, right=0.6, scale=12.0, seed=0):
    """Logits that always put ~all the probability on one label, right only 60 % of the time."""
    g = torch.Generator().manual_seed(seed)
    labels = torch.randint(0, k, (n,), generator=g)
    wrong = (labels + torch.randint(1, k, (n,), generator=g)) % k
    pred = torch.where(torch.rand(n, generator=g) < right, labels, wrong)
    logits = torch.randn(n, k, generator=g) + scale * torch.nn.functional.one_hot(pred, k)
    return logits, labels


def test_temperature_lowers_nll_and_ece_of_an_overconfident_classifier():
    logits, labels = _overconfident()
    t = fit_temperature(logits, labels)
    assert t > 2  # over-confident: the fitted temperature softens
    rec = calibrate(logits, labels)
    assert rec["nll_after"] < rec["nll_before"] * 0.5
    assert rec["ece_after"] < rec["ece_before"] / 2
    # Fitted on one half, it also helps on the other (not just memorised).
    fit, held = slice(0, 200), slice(200, 400)
    t_half = fit_temperature(logits[fit], labels[fit])
    before = expected_calibration_error(torch.softmax(logits[held], 1), labels[held])
    after = expected_calibration_error(torch.softmax(logits[held] / t_half, 1), labels[held])
    assert after < before and nll(logits[held], labels[held], t_half) < nll(logits[held], labels[held])


def test_a_well_calibrated_model_keeps_t_near_one_and_argmax_never_changes():
    g = torch.Generator().manual_seed(1)
    logits = torch.randn(2000, 4, generator=g) * 2
    labels = torch.multinomial(torch.softmax(logits, 1), 1, generator=g).squeeze(1)  # drawn from the model
    t = fit_temperature(logits, labels)
    assert 0.8 < t < 1.25
    assert torch.equal((logits / t).argmax(1), logits.argmax(1))
    assert calibrate(logits[:5], labels[:5]) == {}  # too few texts to fit anything


def test_confidence_words_need_calibration():
    assert confidence_level(0.99, calibrated=False) == "unchecked"
    assert confidence_level(0.95, True) == "very_sure"
    assert confidence_level(0.75, True) == "fairly_sure"
    assert confidence_level(0.5, True) == "unsure"
    assert confidence_level(0.2, True) == "guessing"


@pytest.fixture(scope="module")
def overconfident_model(small_classify_csv):
    data = load_dataset(small_classify_csv, task="classify", seed=0)
    cfg = TrainConfig(task="classify", model_kind="fasttext", preset="tiny", batch_size=32, epochs=3, checkpoint_every=0)
    model = train(cfg, data).model
    with torch.no_grad():  # deliberately over-confident: the same answers, 20x the margin
        model.module.head.weight.mul_(20)
        model.module.head.bias.mul_(20)
    return model, data


def test_a_real_overconfident_model_is_calibrated_on_validation_and_helps_on_test(overconfident_model):
    model, data = overconfident_model
    test = list(data.splits.test)
    x = model.predict_logits([data.texts[i] for i in test])
    y = torch.tensor([data.labels[i] for i in test])
    assert model.temperature == 1.0 and not model.calibrated
    ece_raw, nll_raw = expected_calibration_error(torch.softmax(x, 1), y), nll(x, y)
    rec = calibrate_on_split(model, data, "val")
    assert rec["fitted_on"] == "validation" and rec["n"] == len(data.splits.val)
    assert rec["temperature"] > 2 and model.calibrated
    assert rec["nll_after"] < rec["nll_before"] and rec["ece_after"] < rec["ece_before"]
    # On the test texts, which the fit never saw, confidences are closer to the truth too.
    probs = model.predict_proba([data.texts[i] for i in test])
    assert expected_calibration_error(probs, y) < ece_raw
    assert nll(x, y, model.temperature) < nll_raw
    assert torch.equal(probs.argmax(1), x.argmax(1))  # the answers themselves never change


def test_temperature_is_saved_used_by_the_cli_and_old_models_still_load(overconfident_model, tmp_path):
    model, data = overconfident_model
    if not model.calibrated:
        calibrate_on_split(model, data, "val")
    folder = save_model(model, tmp_path / "m")
    config = json.loads((folder / "config.json").read_text())
    assert config["calibration"]["temperature"] == pytest.approx(model.temperature)
    texts = ["a large wild cat with a striped coat", "a sweet dish made of apples"]
    proc = subprocess.run(
        [sys.executable, "-m", "tinystudio.cli", "predict", str(folder), *texts, "--json"],
        capture_output=True, text=True, timeout=300, check=True,
    )
    rows = json.loads(proc.stdout)["predictions"]
    expected = torch.softmax(model.predict_logits(texts) / model.temperature, 1)
    for row, p in zip(rows, expected):
        got = torch.tensor([row["probabilities"][name] for name in model.label_names])
        torch.testing.assert_close(got, p, atol=1e-5, rtol=1e-4)
        assert row["confidence"] < 0.999  # uncalibrated, the scaled model said ~100 %
    # A model saved before calibration existed: no key at all. It loads, with T = 1.
    del config["calibration"]
    (folder / "config.json").write_text(json.dumps(config))
    old = load_model(folder)
    assert old.temperature == 1.0 and not old.calibrated
    torch.testing.assert_close(old.predict_proba(texts), torch.softmax(model.predict_logits(texts), 1))
