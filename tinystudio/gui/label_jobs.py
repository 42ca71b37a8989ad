"""The Label tab's background work, as plain functions run by :mod:`.worker` (no Qt here).

Reading the file and computing the n-gram features of its rows happen once, when a file is
opened; after that each retrain is a fit of the quick model on the labels so far, a
cross-validated estimate and the choice of the next rows (a fraction of a second to a few
seconds), while the user goes on answering from the rows chosen before.
"""

from __future__ import annotations

from tinystudio.core.labelling import LabelSession, Learner, review

from .worker import prepare_torch


def open_for_labelling(task, path: str, text_col=None, label_col=None) -> dict:
    """The session (labels file taken up if there is one) and the rows' features."""
    session = LabelSession.open(path, text_col, label_col, should_stop=task.should_stop, background=True)
    learner = Learner(session.source.texts, session.labelled(), should_stop=task.should_stop)
    return {"session": session, "learner": learner}


def advise(task, learner: Learner, snapshot, mode: str, n: int, seed: int):
    """Fit, estimate and choose the next ``n`` rows (see :meth:`Learner.advise`)."""
    prepare_torch()
    return learner.advise(snapshot, n=n, mode=mode, seed=seed, should_stop=task.should_stop)


def check_labels(task, labelled: dict, texts: list[str]) -> list[dict]:
    """Suspected label mistakes, most suspicious first (see :func:`review`)."""
    prepare_torch()
    return review(labelled, texts, should_stop=task.should_stop)
