"""When a run validates: one schedule for the loop, the run-time estimate and the window.

No torch here, so the window can count a run's evaluations before torch is loaded.
"""

from __future__ import annotations


def eval_interval(total_steps: int, evals_per_run: int) -> int:
    """Steps between validation passes: about ``evals_per_run`` passes over the run."""
    return max(1, total_steps // max(evals_per_run, 1))


def planned_evals(total_steps: int, evals_per_run: int) -> int:
    """Validation passes of a run that completes its ``total_steps`` steps.

    One every :func:`eval_interval` steps (up to twice ``evals_per_run`` when that division
    rounds down a lot), and one on the final weights unless the last step was just validated.
    A time budget adds passes (one per ``max_time / evals_per_run`` seconds) when steps are slow.
    """
    every = eval_interval(total_steps, evals_per_run)
    return total_steps // every + (1 if total_steps % every else 0)
