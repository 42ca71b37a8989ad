"""The Train tab's progress line never says "Step 40 of 5" or "of 3,500,000" (walkthrough)."""

from tinystudio.core.training.events import StepEvent
from tinystudio.gui.train_panel import step_text


def _ev(step, total, progress):
    return StepEvent(step=step, total_steps=total, epoch=2.0, loss=1.0, lr=0.1, items_per_sec=100.0,
                     elapsed=5.0, eta=10.0, progress=progress)


def test_the_step_count_is_shown_only_when_it_decides_the_end(qapp):
    assert "Step 3 of 5" in step_text("classify", _ev(3, 5, 0.6))  # the linear fit's strengths
    # Time decides (Auto's loop runs until its budget): a total of millions would be nonsense.
    line = step_text("classify", _ev(222, 3_500_000, 0.4))
    assert "Step 222 ·" in line and "3,500,000" not in line
    assert " of " not in step_text("generate", _ev(181, 289_000_000, 0.3)).split("·")[0]
    assert "Step 13 of 5" not in step_text("classify", _ev(13, 5, 0.2))


def test_a_failed_open_does_not_claim_a_model_was_opened():
    """After a file fails to open the window has a model but no data: the hint must not say
    "Model … opened" (the walkthrough read it after opening a PNG)."""
    from tinystudio.gui.steps import WindowState, step_hint

    hint = step_hint(WindowState(model_name="Model 1", model_task="classify"))
    assert "opened" not in hint and "Model 1" in hint and "open a data file" in hint


def test_model_list_rounds_the_time_limit():
    from tinystudio.core.models_index import ModelEntry, describe

    entry = ModelEntry.__new__(ModelEntry)
    object.__setattr__(entry, "kind", "fasttext")
    object.__setattr__(entry, "preset", "base")
    object.__setattr__(entry, "settings", {"max_time": 12.4686})
    assert describe(entry) == "fasttext base · 12 s"
