"""Labelling in the app: ask for the labels that teach most, and find the labels that are wrong.

Modules, one job each (no Qt anywhere):

- :mod:`.features`  — texts as sparse bags of words, word pairs and character n-grams
- :mod:`.model`     — the quick fastText-style linear model, its fit and cross-validation
- :mod:`.selection` — which rows to ask about next (uncertainty + diversity, order, random)
- :mod:`.estimate`  — cross-validated accuracy and whether more labels still pay off
- :mod:`.review`    — suspected label mistakes (confident learning)
- :mod:`.store`     — reading the file to label, the labels file beside it
- :mod:`.session`   — :class:`LabelSession` (answers, undo, autosave) and :class:`Learner`
"""

from .selection import MODES, Pick, choose_rows
from .session import Advice, LabelSession, Learner, Snapshot, review
from .store import Source, labels_path_for, read_source

__all__ = [
    "MODES",
    "Advice",
    "LabelSession",
    "Learner",
    "Pick",
    "Snapshot",
    "Source",
    "choose_rows",
    "labels_path_for",
    "read_source",
    "review",
]
