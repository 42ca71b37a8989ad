"""``tinystudio label-next`` and ``tinystudio check-labels`` (parsing lives in ``cli.py``).

Contract (used by scripts; keep it)::

    label-next DATA [--n N] [--json]   {"rows": [{"row", "text", "guess", "confidence"}, ...]}
    check-labels DATA [--json]         {"suspects": [{"row", "label", "suggested", "confidence"}, ...]}

``row`` is the 0-based data row of DATA (header excluded); ``label-next`` only considers rows
without a label; ``suspects`` come most suspicious first. Only DATA is read (not a labels
file beside it) and nothing is written.
"""

from __future__ import annotations

import json

from .core.errors import DataError
from .core.labelling import LabelSession, Learner, read_source, review
from .i18n import tr


def _col(value):
    return int(value) if value is not None and value.isdigit() else value


def _open(args) -> LabelSession:
    """The file alone: no labels file beside it is read or written."""
    source = read_source(args.data, _col(args.text_col), _col(args.label_col),
                         encoding=args.encoding, sheet=args.sheet)
    return LabelSession(source, autosave=False, resume=False)


def cmd_label_next(args) -> int:
    session = _open(args)
    if args.n < 1:
        raise DataError(tr("--n must be at least 1."), code="bad_n")
    snap = session.snapshot()
    learner = Learner(session.source.texts, snap.labels, seed=args.seed)
    advice = learner.advise(snap, n=args.n, mode=args.mode, seed=args.seed)
    rows = []
    for p in advice.picks:
        guess = advice.guesses.get(p.row)
        rows.append({
            "row": p.row,
            "text": session.source.texts[p.row],
            "guess": snap.label_names[guess[0]] if guess else None,
            "confidence": round(guess[1], 4) if guess else None,
            "why": p.reason,
        })  # fmt: skip
    if args.json:
        print(json.dumps({"rows": rows}, ensure_ascii=False))
        return 0
    if not rows:
        print(tr("Every row with a text already has a label."))
    for r in rows:
        guess = tr("  (model's guess: {label}, {p:.0%})").format(label=r["guess"], p=r["confidence"]) if r["guess"] else ""
        print(f"row {r['row']}: {r['text'][:100]}{guess}")
    return 0


def cmd_check_labels(args) -> int:
    session = _open(args)
    if session.source.label_column is None:
        raise DataError(tr("This file has no label column to check."), code="no_label_column")
    suspects = review(session, seed=args.seed)
    if args.json:
        print(json.dumps({"suspects": suspects}, ensure_ascii=False))
        return 0
    labelled = len(session.labelled())
    print(tr("{n} of {total} labels look wrong to a model trained without them.").format(
        n=len(suspects), total=labelled))  # fmt: skip
    for s in suspects:
        text = session.source.texts[s["row"]][:80]
        print(f"row {s['row']}: '{s['label']}' -> '{s['suggested']}' ({s['confidence']:.0%})  {text}")
    return 0
