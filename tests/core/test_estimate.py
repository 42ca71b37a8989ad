"""The time shown before training (``estimate_run``) against what a real run does."""

import pytest
import torch

from tinystudio.core.data import load_dataset
from tinystudio.core.training.config import TrainConfig
from tinystudio.core.training.estimate import estimate_run
from tinystudio.core.training.events import EvalEvent
from tinystudio.core.training.loop import train
from tinystudio.core.training.schedule import planned_evals


@pytest.fixture(scope="module")
def cls_data(small_classify_csv):
    return load_dataset(small_classify_csv, task="classify", seed=0)


# No early stopping: the estimate is for the full run. One torch thread, as the app trains:
# two threads on a busy 2-core machine make step times swing several-fold.
FULL_RUN = dict(task="classify", patience=0, checkpoint_every=0, threads=1)


@pytest.fixture(autouse=True)
def _restore_threads():
    before = torch.get_num_threads()
    yield
    torch.set_num_threads(before)


def test_estimate_is_in_the_ballpark_of_a_real_run(cls_data):
    """Texts of very different lengths (padded batches of varying cost): the estimate is
    within a factor 2 of the real run. Loose on purpose: the test machine is shared."""
    cfg = TrainConfig(
        model_kind="transformer", preset="tiny", epochs=1, evals_per_run=5, **FULL_RUN
    )
    est = estimate_run(cfg, cls_data)
    result = train(cfg, cls_data)
    assert result.stop_reason == "completed" and result.steps == est.total_steps
    print(f"estimate {est.seconds:.2f} s, real run {result.seconds:.2f} s")
    assert est.seconds / 2 <= result.seconds <= est.seconds * 2
    assert est.total_seconds > est.seconds  # setup (tokenizer, encoding) counted on top


def test_estimate_counts_the_evaluations_the_run_makes(cls_data):
    """Few steps per evaluation (a short run): the count follows the loop's schedule."""
    cfg = TrainConfig(model_kind="fasttext", preset="tiny", epochs=1, batch_size=32, **FULL_RUN)
    est = estimate_run(cfg, cls_data)
    result = train(cfg, cls_data)
    made = sum(e["event"] == EvalEvent.__name__ for e in result.history)
    assert made == est.evals
    assert planned_evals(1000, 20) == 20 and planned_evals(1010, 20) == 21  # + the final weights
    assert planned_evals(30, 20) == 30 and planned_evals(1, 20) == 1


def test_estimate_with_augmentation_times_the_re_encoding(cls_data):
    cfg = TrainConfig(
        model_kind="fasttext", preset="tiny", epochs=1, augment=("word_dropout",), **FULL_RUN
    )
    est = estimate_run(cfg, cls_data, probe_steps=2)
    assert est.step_seconds > 0 and est.seconds > 0
