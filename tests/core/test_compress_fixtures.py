"""Small trained models shared by the compression and export tests (a few seconds each).

Imported by test_compress.py and test_export.py; it holds no tests itself.
"""

from __future__ import annotations

import pytest

from tinystudio.core.pipeline import train_on_file
from tinystudio.core.training.config import TrainConfig


def _train(request, key, path, out, **cfg):
    """Train once per test session, whichever test module asks first.

    Three test modules import these fixtures, and pytest makes a separate fixture of each
    import; the cache on the session's config object keeps it to one training per model.
    """
    cache = request.config.__dict__.setdefault("_tinystudio_compress_models", {})
    if key not in cache:
        # A fixed number of steps and no time budget: the same model however busy the machine
        # is (a time budget changes the step count, the schedule and which checkpoint is kept).
        config = TrainConfig(threads=1, checkpoint_every=0, sample_every=0, patience=0, **cfg)
        cache[key] = (out, train_on_file(path, config, out_dir=out).dataset)
    return cache[key]


@pytest.fixture(scope="session")
def tf_classify(request, tmp_path_factory, small_classify_csv):
    """(model_dir, dataset) of a tiny transformer classifier (8 epochs, a few seconds)."""
    out = tmp_path_factory.mktemp("cmp") / "tf_cls"
    return _train(request, "tf_cls", small_classify_csv, out, task="classify",
                  model_kind="transformer", preset="tiny", epochs=8, vocab_size=800)


@pytest.fixture(scope="session")
def tf_generate(request, tmp_path_factory, small_corpus):
    """(model_dir, dataset) of a tiny transformer language model (one pass over ~100 KB)."""
    out = tmp_path_factory.mktemp("cmp") / "tf_gen"
    return _train(request, "tf_gen", small_corpus, out, task="generate", model_kind="transformer",
                  preset="tiny", epochs=1)


@pytest.fixture(scope="session")
def lstm_classify(request, tmp_path_factory, small_classify_csv):
    out = tmp_path_factory.mktemp("cmp") / "lstm_cls"
    return _train(request, "lstm_cls", small_classify_csv, out, task="classify", model_kind="lstm",
                  preset="tiny", epochs=3, vocab_size=800)
