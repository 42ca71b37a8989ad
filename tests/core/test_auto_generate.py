"""Auto for the generate task: the run uses its time budget; samples come from the kept weights."""

import pytest

from tinystudio.core.pipeline import train_on_file
from tinystudio.core.training.config import TrainConfig
from tinystudio.core.training.events import Notice, SampleEvent


@pytest.fixture(scope="module")
def short_corpus(tmp_path_factory, generate_sample):
    """About 8,000 characters: three passes over it take a fraction of a second."""
    lines = generate_sample.read_text(encoding="utf-8").splitlines(keepends=True)
    path = tmp_path_factory.mktemp("gen") / "short.txt"
    path.write_text("".join(lines[:80]), encoding="utf-8")
    return path


def test_a_generate_run_uses_its_budget_and_the_samples_come_from_the_kept_weights(short_corpus):
    budget = 4.0
    events = []
    out = train_on_file(short_corpus, TrainConfig(task="generate", max_time=budget, sample_every=10),
                        on_event=events.append)
    res = out.result
    # Not a fixed number of passes: the time is used up, or validation stopped improving.
    assert res.stop_reason in ("time_up", "early_stop"), res.stop_reason
    assert res.seconds <= budget * 1.1 + 2.0
    if res.stop_reason == "time_up":
        assert res.seconds >= 0.8 * budget
    notes = [e for e in events if isinstance(e, Notice) and e.kind == "auto"]
    assert notes and "size" in notes[0].message  # what Auto chose, in words
    samples = [e for e in events if isinstance(e, SampleEvent)]
    # A first sample early (sample_every is 10 s, the run 4 s), written by the best weights so far.
    assert len(samples) >= 2 and not samples[0].final
    assert all(s.weights_step <= s.step for s in samples)
    assert samples[-1].final and samples[-1].weights_step == res.best_step
