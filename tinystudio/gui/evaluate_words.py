"""The Evaluate tab's plain-word notes, from the facts in the metrics (core/evaluate.py).

No Qt here: each function turns metrics into sentences a person can act on.
"""

from __future__ import annotations

from tinystudio.i18n import tr

MAX_NAMED = 6  # labels named in one sentence


def _names(labels: list[str]) -> str:
    shown = ", ".join(f"'{name}'" for name in labels[:MAX_NAMED])
    more = len(labels) - MAX_NAMED
    return shown + (tr(" and {n} more").format(n=more) if more > 0 else "")


def classify_notes(m: dict) -> list[str]:
    """Warnings about labels never predicted and badly imbalanced labels (empty when fine)."""
    notes = []
    never = list(m.get("never_predicted") or [])
    if never:
        notes.append(tr(
            "The model never answered {labels} on the test texts: it has not learned to recognise "
            "{count_words}. More example rows for {count_words} would help most."
        ).format(labels=_names(never), count_words=tr("this label") if len(never) == 1 else tr("these labels")))
    if m.get("imbalanced"):
        notes.append(tr(
            "The labels are badly imbalanced: '{big}' has {ratio:.0f} times as many test texts as "
            "'{small}'. Always answering '{big}' would already be right {share:.0%} of the time, so "
            "compare the accuracy with that, and look at each label's row."
        ).format(big=m.get("majority_label"), small=m.get("minority_label"),
                 ratio=m.get("imbalance_ratio", 0.0), share=m.get("majority_share", 0.0)))
    return notes


def bits_reference(m: dict) -> str:
    """What the bits-per-character score compares with, measured on this very text (so it fits
    Chinese as well as English, where a fixed figure would not)."""
    freq = m.get("frequency_bits_per_char")
    bpc = m.get("bits_per_char")
    if not isinstance(freq, (int, float)) or not isinstance(bpc, (int, float)) or freq <= 0:
        return tr("how surprised the model is by each new character. Compare it with another model "
                  "on the same text; numbers differ a lot between languages and scripts.")
    if bpc < freq:
        verdict = tr("so it has learned more than how common each character is")
    else:
        verdict = tr("so it has not yet learned more than how common each character is: train longer or on more text")
    return tr(
        "how surprised the model is by each new character. On this text, a model that only knew how "
        "common each character is would score {freq:.2f}; this one scores {bpc:.2f}, {verdict}."
    ).format(freq=freq, bpc=bpc, verdict=verdict)
