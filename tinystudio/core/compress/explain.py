"""Plain-words reasons behind the measured numbers: why a "compressed" model is not faster or
smaller, and when quality dropped. Every sentence is triggered by a measured value."""

from __future__ import annotations

from tinystudio.i18n import tr

from .measure import Measurement

NOT_FASTER = 0.9  # latency ratio above which we say the variant is not really faster
NOT_SMALLER = 0.9


def explain(original: Measurement, variant: Measurement) -> list[str]:
    """Sentences for ``variant.notes``, comparing it with ``original`` (both measured)."""
    notes: list[str] = []
    facts = variant.facts
    methods = [s.get("method") for s in facts.get("steps", [])]
    speed = variant.latency_ms_p50 / max(original.latency_ms_p50, 1e-9)
    size = variant.size_bytes / max(original.size_bytes, 1)
    rows, cols = (facts.get("largest_matrix") or [0, 0])[:2]

    same_maths = bool(methods) and all(
        m == "prune" or (m in ("fp16", "bf16") and variant.compute_dtype == "float32")
        for m in methods
    )
    if same_maths:
        if "prune" in methods:
            note = (tr("It does exactly the same arithmetic as the original (zeros are multiplied "
                    "like any other number), so the measured speed difference ({speed:.0%} of the "
                    "original's time) is noise from other programs running."))
        else:
            note = (tr("It does exactly the same arithmetic as the original, so the measured speed "
                    "difference ({speed:.0%} of the original's time) is noise from other "
                    "programs running."))
        notes.append(note.format(speed=speed))
    elif speed <= NOT_FASTER:
        notes.append(tr("Answers one text in {speed:.0%} of the original's time.").format(speed=speed))
    if not same_maths and speed > NOT_FASTER:
        if speed > 1.1:
            notes.append(tr("Slower than the original: {speed:.2f}× its time per text.").format(speed=speed))
        else:
            notes.append(tr("About as fast as the original (within measuring noise)."))
        if "prune" in methods:
            notes.append(
                tr("Pruning set weights to zero, but the zeros are still stored and multiplied: "
                "ordinary matrix arithmetic does not skip zeros, so it is not faster.")
            )
        if "int8" in methods:
            if facts.get("kind") == "fasttext":
                notes.append(
                    tr("A fastText model is one word-table lookup and one small layer: there is no "
                    "heavy arithmetic for 8-bit numbers to speed up.")
                )
            elif rows * cols and rows * cols <= 128 * 512:
                notes.append(
                    tr("Its matrices are tiny (the largest is {rows}×{cols}): time goes into the fixed cost of each layer call, and converting numbers to and from 8 bits costs about what it saves.").format(rows=rows, cols=cols)
                )
            if facts.get("embedding_share", 0) > 0.5:
                notes.append(
                    tr("Most of the file ({embedding_share:.0%}) is the word table: 8 bits shrink it on disk, but looking words up was never the slow part.").format(embedding_share=facts['embedding_share'])
                )
            if facts.get("engine") == "qnnpack" and facts.get("kind") != "fasttext":
                notes.append(tr("The int8 kernels used here (qnnpack) are tuned for phones and ARM chips."))
        if {"fp16", "bf16"} & set(methods) and variant.compute_dtype != "float32":
            notes.append(tr("It computes in bf16; on processors without wide bf16 units that is no faster."))
    if {"fp16", "bf16"} & set(methods) and variant.compute_dtype == "float32":
        notes.append(
            tr("The weights are stored in 16 bits but widened to 32 bits for computing, because "
            "this processor has no fast 16-bit arithmetic: half the file, same speed.")
        )
    peak0, peak1 = original.peak_memory_bytes, variant.peak_memory_bytes
    if "int8" in methods and peak0 and peak1 and peak1 > 1.1 * peak0:
        notes.append(
            tr("It needs more memory at its peak ({peak1:.1f} MB against {peak0:.1f} MB): to load "
               "an 8-bit file, TinyStudio first builds the full-size model, unpacks the 8-bit "
               "numbers into it and only then swaps in the 8-bit layers, so for a moment both are "
               "in memory. The word table also stays full-size in memory (looking words up needs "
               "no arithmetic). Only the file is smaller.").format(peak1=peak1 / 1e6, peak0=peak0 / 1e6)
        )
    if size > NOT_SMALLER and "prune" in methods and "int8" not in methods:
        zipped = variant.compressed_bytes / max(original.compressed_bytes, 1)
        notes.append(
            tr("The file is as large as before because pruned weights are stored as zeros; zipped it takes {zipped:.0%} of the zipped original.").format(zipped=zipped)
        )
    q0, q1 = original.quality, variant.quality
    if "accuracy" in q0 and "accuracy" in q1:
        drop = (q0["accuracy"] - q1["accuracy"]) * 100
        if drop > 1.0:
            notes.append(
                tr("Accuracy fell by {drop:.1f} points: try a gentler setting (less pruning) or a short fine-tune after pruning.").format(drop=drop)
            )
    elif "bits_per_char" in q0 and "bits_per_char" in q1:
        rise = q1["bits_per_char"] - q0["bits_per_char"]
        if rise > 0.02:
            notes.append(
                tr("It predicts text less well: +{rise:.3f} bits per character (lower is better).").format(rise=rise)
            )
    if variant.agreement is not None and variant.n_flips:
        notes.append(
            tr("{n_flips} answers changed ({share:.1%}); see the list of changed answers.").format(n_flips=variant.n_flips, share=1 - variant.agreement)
        )
    return notes
