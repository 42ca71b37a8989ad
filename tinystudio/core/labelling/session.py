"""A labelling session: the answers so far, undo, autosave, and the quick model's advice.

:class:`LabelSession` holds the state (no Qt, no threads): which rows are labelled, skipped,
in what order the user answered (for undo). Every change is saved to the labels file at once
(see :mod:`.store`). :meth:`LabelSession.snapshot` hands a copy of the labels to
:func:`advise`, which does the slow part — fit, cross-validate, choose the next rows — and
may run on another thread while the user goes on answering.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from ..errors import TinyStudioError
from .estimate import Estimate, estimate_accuracy
from .features import Featurizer, Rows
from .model import cross_val_proba, fit
from .review import find_suspects
from .selection import Pick, choose_rows
from .store import SavedState, Source, load_labels, read_source, save_labels

#: Rows given n-gram features: all of them up to this many, else a random sample (plus every
#: labelled row). Picking among 50,000 unlabelled rows is as good as among millions.
MAX_POOL = 50_000


class LabelSession:
    """The labels of one file: the file's own, plus the user's answers, saved as they come."""

    def __init__(self, source: Source, *, autosave: bool = True, resume: bool = True,
                 background: bool = False) -> None:  # fmt: skip
        """``resume``: take up the labels file beside the source if there is one;
        ``autosave``: write it after every change (False: the file alone, nothing written);
        ``background``: write on a helper thread (the app: a disk's fsync took 37 ms, too
        long for a key press), see :meth:`flush`."""
        self.source = source
        self.autosave = autosave
        self._saver = _Saver() if background else None
        self._given = {i: g for i, g in enumerate(source.given) if g is not None}
        self._open_rows = sum(1 for t, g in zip(source.texts, source.given) if t and g is None)
        saved = load_labels(source) if resume else SavedState()
        self.answers: dict[int, str] = dict(saved.labels)  # the labels file wins over the source
        self.skipped: set[int] = set(saved.skipped)
        self.mismatched = saved.mismatched
        names = sorted({g for g in source.given if g is not None} | set(self.answers.values()))
        self.label_names: list[str] = list(dict.fromkeys(saved.label_names + names))
        self.history: list[tuple[int, str | None, bool]] = []  # row, previous answer, was skipped
        self.resumed = bool(saved.labels or saved.skipped)

    @classmethod
    def open(cls, path, text_col=None, label_col=None, should_stop=None, autosave: bool = True,
             background: bool = False) -> LabelSession:  # fmt: skip
        return cls(read_source(path, text_col, label_col, should_stop), autosave=autosave,
                   background=background)  # fmt: skip

    # -- what is known --------------------------------------------------------------------
    def label_of(self, row: int) -> str | None:
        return self.answers.get(row, self.source.given[row])

    def labelled(self) -> dict[int, str]:
        """Every labelled row (the file's labels, with answers and corrections on top)."""
        out = dict(self._given)
        out.update(self.answers)
        return out

    def n_unlabelled(self) -> int:
        """How many rows :meth:`unlabelled` would list (without listing them)."""
        texts, given = self.source.texts, self.source.given
        done = {r for r in self.answers if texts[r] and given[r] is None}
        done |= {r for r in self.skipped if texts[r] and given[r] is None}
        return self._open_rows - len(done)

    def unlabelled(self) -> list[int]:
        """Rows with a text and no label, not skipped: what may be asked next."""
        texts, given, answers, skipped = self.source.texts, self.source.given, self.answers, self.skipped
        return [i for i, t in enumerate(texts)
                if t and given[i] is None and i not in answers and i not in skipped]  # fmt: skip

    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(self.label_names, 0)
        for label in self.labelled().values():
            out[label] = out.get(label, 0) + 1
        return out

    @property
    def n_answered(self) -> int:
        return len(self.answers)

    # -- changing -------------------------------------------------------------------------
    def add_label(self, name: str) -> bool:
        """Add a label name (stripped); False if empty or already there."""
        name = name.strip()
        if not name or name in self.label_names:
            return False
        self.label_names.append(name)
        self.save()
        return True

    def answer(self, row: int, label: str) -> None:
        self.add_label(label) if label not in self.label_names else None
        self.history.append((row, self.answers.get(row), row in self.skipped))
        self.skipped.discard(row)
        self.answers[row] = label
        self.save()

    def skip(self, row: int) -> None:
        self.history.append((row, self.answers.get(row), row in self.skipped))
        self.skipped.add(row)
        self.save()

    def undo(self) -> int | None:
        """Take back the last answer or skip; returns its row (None: nothing to undo)."""
        if not self.history:
            return None
        row, previous, was_skipped = self.history.pop()
        if previous is None:
            self.answers.pop(row, None)
        else:
            self.answers[row] = previous
        if was_skipped:
            self.skipped.add(row)
        else:
            self.skipped.discard(row)
        self.save()
        return row

    def save(self) -> None:
        if not self.autosave:
            return
        labelled, names, skipped = self.labelled(), list(self.label_names), set(self.skipped)
        if self._saver is None:
            save_labels(self.source, labelled, names, skipped)
        else:
            self._saver.submit(lambda: save_labels(self.source, labelled, names, skipped))

    def flush(self, timeout: float = 30.0) -> bool:
        """Wait until the last change is on disk (background saving); False on time-out."""
        return self._saver.flush(timeout) if self._saver is not None else True

    @property
    def save_error(self) -> TinyStudioError | None:
        """The last background save's error (None once a save worked again)."""
        return self._saver.error if self._saver is not None else None

    @property
    def labels_path(self):
        from .store import labels_path_for

        return labels_path_for(self.source.path)

    def snapshot(self) -> Snapshot:
        """A copy of the labels for :func:`advise` (safe to use on another thread)."""
        names = list(self.label_names)
        ids = {n: k for k, n in enumerate(names)}
        labelled = {r: ids[lab] for r, lab in self.labelled().items() if lab in ids}
        return Snapshot(labelled, names, self.unlabelled())


class _Saver:
    """Writes the newest state on a short-lived daemon thread; older pending states are dropped."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: Callable[[], None] | None = None
        self._thread: threading.Thread | None = None
        self._idle = threading.Event()
        self._idle.set()
        self.error: TinyStudioError | None = None

    def submit(self, job: Callable[[], None]) -> None:
        with self._lock:
            self._pending = job
            self._idle.clear()
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="tinystudio-labels-save", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while True:
            with self._lock:
                job, self._pending = self._pending, None
                if job is None:
                    self._thread = None
                    self._idle.set()
                    return
            try:
                job()
                self.error = None
            except TinyStudioError as exc:  # e.g. disk full: the old file is intact
                self.error = exc

    def flush(self, timeout: float) -> bool:
        return self._idle.wait(timeout)


@dataclass
class Snapshot:
    labels: dict[int, int]  # row -> label id
    label_names: list[str]
    candidates: list[int]


@dataclass
class Advice:
    """What :func:`advise` found: the next rows, the model's guesses, the estimate."""

    picks: list[Pick]
    estimate: Estimate
    n_labels: int
    label_names: list[str]
    guesses: dict[int, tuple[int, float]] = field(default_factory=dict)  # row -> (label id, p)


class Learner:
    """The n-gram features of a file's rows, computed once, and the quick model on top."""

    def __init__(self, texts: list[str], labelled_rows=(), *, seed: int = 0, should_stop=None) -> None:
        rows = [i for i, t in enumerate(texts) if t]
        if len(rows) > MAX_POOL:
            rng = np.random.default_rng(seed)
            keep = set(rng.choice(rows, MAX_POOL, replace=False).tolist()) | set(labelled_rows)
            rows = sorted(keep)
        self.featurizer = Featurizer()
        self.rows = np.asarray(rows, dtype=np.int64)  # file rows that have features
        self.position = {r: k for k, r in enumerate(rows)}
        self.features: Rows = self.featurizer.transform([texts[i] for i in rows], should_stop)

    def matrix(self, file_rows) -> Rows:
        return self.features.take([self.position[r] for r in file_rows])

    def advise(self, snap: Snapshot, *, n: int = 10, mode: str = "smart", seed: int = 0,
               estimate: bool = True, should_stop: Callable[[], bool] | None = None) -> Advice:  # fmt: skip
        """Fit on the labelled rows, estimate the accuracy, and choose ``n`` rows to ask about."""
        k = len(snap.label_names)
        train_rows = [r for r in sorted(snap.labels) if r in self.position]
        y = np.asarray([snap.labels[r] for r in train_rows], dtype=np.int64)
        cand = [r for r in snap.candidates if r in self.position]
        proba = None
        counts = {int(c): int(v) for c, v in zip(*np.unique(y, return_counts=True))} if len(y) else {}
        if len(counts) >= 2:
            model = fit(self.matrix(train_rows), y)
            proba = model.predict_proba(self.matrix(cand), k) if cand else np.zeros((0, k))
        est = (estimate_accuracy(self.matrix(train_rows), y, k, seed=seed, should_stop=should_stop)
               if estimate else Estimate(len(y), None, None, None, ""))  # fmt: skip
        cand_features = self.matrix(cand) if mode == "smart" and proba is not None else None
        picks = choose_rows(cand, n, mode=mode, proba=proba, features=cand_features, counts=counts,
                            n_labels=k, seed=seed + len(y), accuracy=est.accuracy)  # fmt: skip
        guesses = {}
        if proba is not None and len(cand):
            index = {r: j for j, r in enumerate(cand)}
            for p in picks:
                j = index[p.row]
                g = int(proba[j].argmax())
                guesses[p.row] = (g, float(proba[j, g]))
        return Advice(picks, est, len(y), list(snap.label_names), guesses)


def review(session_or_rows, texts=None, *, seed: int = 0, should_stop=None) -> list[dict]:
    """Suspected label mistakes of a session (or of ``{row: label}`` with ``texts``), most
    suspicious first: ``[{"row", "label", "suggested", "confidence"}]`` (rows 0-based)."""
    if isinstance(session_or_rows, LabelSession):
        labelled, texts = session_or_rows.labelled(), session_or_rows.source.texts
    else:
        labelled = dict(session_or_rows)
    rows = [r for r in sorted(labelled) if texts[r]]
    names = sorted({labelled[r] for r in rows})
    if len(names) < 2 or len(rows) < 10:
        return []
    ids = {n: k for k, n in enumerate(names)}
    y = np.asarray([ids[labelled[r]] for r in rows], dtype=np.int64)
    features = Featurizer().transform([texts[r] for r in rows], should_stop)
    proba = cross_val_proba(features, y, len(names), seed=seed, should_stop=should_stop)
    return [
        {"row": rows[s.row], "label": names[s.label], "suggested": names[s.suggested],
         "confidence": round(s.confidence, 4)}  # fmt: skip
        for s in find_suspects(proba, y)
    ]
