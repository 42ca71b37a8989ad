"""Plain-word explanations of every technical term the app shows (tooltips and the glossary)."""

from __future__ import annotations

import html

from tinystudio.i18n import tr, tr_noop

TERMS: dict[str, tuple[str, str]] = {
    # key: (the word as shown, what it means in plain words)
    "task": (
        tr_noop("Task"),
        tr_noop("What the model should learn. 'Sort texts into groups' (classify) learns to put a label "
        "on each text. 'Write text like this' (generate) learns to continue a text in the same style."),
    ),
    "text_column": (tr_noop("Text column"), tr_noop("The column holding the texts the model reads.")),
    "label_column": (
        tr_noop("Label column"),
        tr_noop("The column holding the right answer for each text (its group, category or label)."),
    ),
    "token": (
        tr_noop("Token"),
        tr_noop("A piece of text the model reads as one unit: a word, part of a word, or one character."),
    ),
    "vocabulary": (
        tr_noop("Vocabulary"),
        tr_noop("All the different tokens the model knows. A bigger vocabulary knows more whole words."),
    ),
    "preset": (
        tr_noop("Model size"),
        tr_noop("Tiny trains fastest and is smallest; Base can learn more but needs more time and data."),
    ),
    "parameters": (
        tr_noop("Parameters"),
        tr_noop("The numbers the model adjusts while it learns. More parameters can learn more, "
        "but take longer to train and make a bigger file."),
    ),
    "epoch": (
        tr_noop("Epoch"),
        tr_noop("One full pass over all the training examples. Training usually takes several passes."),
    ),
    "time_budget": (
        tr_noop("Time limit"),
        tr_noop("Training stops after this many seconds at most, keeping the best model found so far."),
    ),
    "loss": (
        tr_noop("Loss (error)"),
        tr_noop("How wrong the model is, on average. Lower is better. It should go down as the model learns."),
    ),
    "train_loss": (
        tr_noop("Training loss"),
        tr_noop("The error on the examples the model learns from."),
    ),
    "validation": (
        tr_noop("Validation"),
        tr_noop("A part of your data (about 10%) kept aside while training, to check how well the model "
        "does on texts it has not learned from."),
    ),
    "val_loss": (
        tr_noop("Validation loss"),
        tr_noop("The error on the validation examples. If it rises while the training loss falls, the "
        "model is memorising instead of learning (overfitting)."),
    ),
    "val_accuracy": (
        tr_noop("Validation accuracy"),
        tr_noop("The share of validation texts that get the right label. 1.0 means all of them."),
    ),
    "accuracy": (tr_noop("Accuracy"), tr_noop("The share of test texts that got the right label.")),
    "macro_f1": (
        tr_noop("Macro-F1"),
        tr_noop("A score between 0 and 1 that treats every label as equally important, even rare ones. "
        "Higher is better."),
    ),
    "precision": (
        tr_noop("Precision"),
        tr_noop("Of the texts the model put in this group, the share that really belong there."),
    ),
    "recall": (tr_noop("Recall"), tr_noop("Of the texts that belong in this group, the share the model found.")),
    "f1": ("F1", tr_noop("A balance of precision and recall, between 0 and 1. Higher is better.")),
    "support": (tr_noop("Examples"), tr_noop("How many test texts have this label.")),
    "confusion": (
        tr_noop("Confusion matrix"),
        tr_noop("Rows are the right answers, columns what the model said. The diagonal holds the correct "
        "answers; any other cell shows a mix-up. Click a cell to see its texts."),
    ),
    "test": (
        tr_noop("Test"),
        tr_noop("Another 10% of your data, never used while training, to score the finished model fairly."),
    ),
    "bits_per_char": (
        tr_noop("Bits per character"),
        tr_noop("How surprised the model is by each character of new text. Lower is better; "
        "plain English text is hard to get below about 1.5."),
    ),
    "perplexity": (
        tr_noop("Perplexity"),
        tr_noop("Roughly how many choices the model hesitates between for each next token. Lower is better."),
    ),
    "overfitting": (
        tr_noop("Overfitting"),
        tr_noop("When the model memorises the training examples instead of learning what they have in "
        "common, so it gets worse on new texts."),
    ),
    "learning_rate": (
        tr_noop("Learning rate"),
        tr_noop("How big a step the model takes each time it corrects itself. Too high and training "
        "goes wrong; too low and it learns slowly. 0 means the usual value for this model."),
    ),
    "batch_size": (
        tr_noop("Batch size"),
        tr_noop("How many examples the model looks at before each correction. 0 means the usual value."),
    ),
    "model_kind": (
        tr_noop("Model kind"),
        tr_noop("fastText: very fast, good at sorting texts by their words. Transformer: the kind of "
        "model behind modern chatbots, best for writing text. LSTM: an older kind that reads "
        "text in order."),
    ),
    "seed": (
        tr_noop("Seed"),
        tr_noop("A number that fixes the random choices, so that training again gives the same result."),
    ),
    "temperature": (
        tr_noop("Temperature"),
        tr_noop("How adventurous the writing is. Low (0.2) is safe and repetitive; high (1.5) is "
        "creative and often nonsense."),
    ),
    "top_k": (
        tr_noop("Top-k"),
        tr_noop("Only pick the next token among the k most likely ones (0 = no limit). Smaller is safer."),
    ),
    "length": (tr_noop("Length"), tr_noop("How many tokens to write.")),
    "quantization": (
        tr_noop("Quantization (fewer digits)"),
        tr_noop("Storing the model's numbers with fewer digits, making the file smaller and often faster, "
        "usually at a small cost in quality. int8 and fp16 are two ways of doing it."),
    ),
    "step": (
        tr_noop("Training step"),
        tr_noop("One small correction of the model, after it has looked at one batch of examples."),
    ),
    "early_stop": (
        tr_noop("Early stopping"),
        tr_noop("Training ends by itself when the validation score has stopped improving for a while, and "
        "the best model seen so far is kept."),
    ),
    "variant": (
        tr_noop("Variant"),
        tr_noop("A copy of your model made smaller or faster in one or more ways. The original is kept "
        "unchanged; variants are saved in its folder, under 'variants'."),
    ),
    "weights": (
        tr_noop("Weights"),
        tr_noop("The numbers inside the model (its parameters). Training adjusts them; compressing stores "
        "them more compactly or removes some."),
    ),
    "prune": (
        tr_noop("Prune (pruning)"),
        tr_noop("Set the model's smallest numbers (weights) to zero, because they matter least. The file "
        "stays the same size (the zeros are still stored) but zips much smaller; the answers "
        "change a little."),
    ),
    "prune_units": (
        tr_noop("Remove hidden units (structured pruning)"),
        tr_noop("Take out whole parts of a Transformer's inner layers, the ones that contribute least. "
        "Unlike plain pruning this really makes the model smaller and faster."),
    ),
    "finetune": (
        tr_noop("Practice after (fine-tune)"),
        tr_noop("A few seconds of extra training after pruning, so the model can make up for what it "
        "lost."),
    ),
    "distill": (
        tr_noop("Distil (distillation)"),
        tr_noop("Train a smaller model (the student) to give the same answers as yours (the teacher). The "
        "student learns from the teacher's answers as well as from your labels."),
    ),
    "distil_temperature": (
        tr_noop("Softness (temperature, T)"),
        tr_noop("How much of the teacher's doubt the student gets to see. At 1 it sees the teacher's "
        "answers as they are; higher values (2-4) spread them out, so 'almost a cat' teaches "
        "more."),
    ),
    "alpha": (
        tr_noop("Teacher's share (α, alpha)"),
        tr_noop("How much the student learns from the teacher's answers rather than from the right "
        "answers in your file: 0.7 means 70% teacher, 30% your labels."),
    ),
    "fp32": (
        tr_noop("32-bit numbers (fp32, float32)"),
        tr_noop("How a trained model stores each number: 4 bytes, about 7 significant digits. The "
        "original."),
    ),
    "fp16": (
        tr_noop("16-bit numbers (fp16, half precision)"),
        tr_noop("Each number stored in 2 bytes instead of 4: half the file, answers almost identical. "
        "Most processors compute in 32 bits anyway, so it is not faster."),
    ),
    "bf16": (
        tr_noop("16-bit numbers (bf16, bfloat16)"),
        tr_noop("Another 2-byte format, with fewer digits than fp16 but a wider range. Half the file; "
        "faster only on processors made for it."),
    ),
    "int8": (
        tr_noop("8-bit numbers (int8)"),
        tr_noop("Each number stored as a whole number from -127 to 127 (1 byte) with one scale per row: "
        "its numbers take a quarter of the space of 32-bit ones; the file shrinks less (0.3-0.7× on the models tried while writing this), as some parts stay 32-bit. Often faster for large models, rarely for tiny ones."),
    ),
    "stack": (
        tr_noop("One after the other (stacking)"),
        tr_noop("Each method works on the result of the previous one (prune, then distil, then 16-bit, "
        "then 8-bit). Off: each method is applied to the original on its own."),
    ),
    "file_size": (
        tr_noop("File size"),
        tr_noop("How much disk space the model file takes (MB = million bytes)."),
    ),
    "ratio": (
        tr_noop("Compared with the original (×)"),
        tr_noop("0.27× means 27% of the original's size (or time): smaller is better. 1.00× is the same."),
    ),
    "word_table": (
        tr_noop("Word table (embedding)"),
        tr_noop("The list of numbers the model keeps for each token it knows. It is often most of the "
        "file: 8 bits shrink it on disk, but looking words up was never the slow part."),
    ),
    "nonzero": (
        tr_noop("Numbers not zero"),
        tr_noop("How many of the model's numbers are not zero. Pruning sets numbers to zero; they are "
        "still stored and multiplied, so the count goes down but the file and time do not."),
    ),
    "latency": (
        tr_noop("Latency"),
        tr_noop("The time the model takes to answer one text."),
    ),
    "p50": (
        tr_noop("Time per text, typical (p50, median)"),
        tr_noop("Half the texts were answered faster than this and half slower ('p50' is the 50th "
        "percentile, also called the median). Measured one text at a time."),
    ),
    "p95": (
        tr_noop("Time per text, slow ones (p95)"),
        tr_noop("95 of every 100 texts were answered faster than this: it shows the slow moments (the "
        "95th percentile)."),
    ),
    "batch": (
        tr_noop("Speed, 32 texts at once (throughput)"),
        tr_noop("How many texts (or tokens) a second when 32 are given together (a batch): the speed that "
        "matters when a program has many texts to answer."),
    ),
    "peak_memory": (
        tr_noop("Memory needed (peak memory)"),
        tr_noop("The most extra memory the computer used while loading the model file and answering 32 "
        "texts. Why an int8 variant can need more than the original: to load it, TinyStudio first "
        "builds the full-size model, unpacks the 8-bit numbers into it and only then swaps in the "
        "8-bit layers, so for a moment both are in memory (and the word table is kept at full "
        "size, since looking words up needs no arithmetic). Its file is still smaller."),
    ),
    "changed_answers": (
        tr_noop("Changed answers"),
        tr_noop("How many test texts get a different answer from the variant than from the original."),
    ),
    "onnx": (
        tr_noop("ONNX"),
        tr_noop("An open file format for models, which many programs, languages and phones can run with "
        "the free ONNX Runtime (no TinyStudio or Python needed)."),
    ),
    "onnx_runtime": (
        tr_noop("ONNX Runtime"),
        tr_noop("Free software from Microsoft that runs ONNX model files, on Windows, Mac, Linux, phones "
        "and in web pages."),
    ),
    "safetensors": (
        tr_noop("safetensors"),
        tr_noop("The file format TinyStudio stores a model's numbers in. It holds only numbers, so "
        "opening a model someone sent you cannot run hidden code."),
    ),
    "largest_difference": (
        tr_noop("Largest difference (checking an export)"),
        tr_noop("After exporting, the exported file and the original answer the same held-out texts. This "
        "is the biggest gap between their scores (for example 0.000002, written 2e-06); 'allowed' "
        "is the most we accept before refusing the export."),
    ),
    "usage_file": (
        tr_noop("USAGE.md (instructions)"),
        tr_noop("A text file written beside every export: which program opens the model, then how to use "
        "it from code. Any text editor opens it."),
    ),
    "examples_per_sec": (
        tr_noop("Speed"),
        tr_noop("How many examples (or tokens, for writing) the model learns from each second."),
    ),
}


def tip(key: str) -> str:
    """The tooltip for ``key``: "<b>Word</b>: meaning" (rich text, wraps nicely)."""
    word, meaning = TERMS[key]
    return tr("<b>{word}</b>: {meaning}").format(word=tr(word), meaning=tr(meaning))


def glossary_html(find: str = "") -> str:
    """All terms (or those whose word or meaning contains ``find``), for Help ▸ Words explained."""
    needle = find.strip().lower()
    terms = sorted(((tr(w), tr(m)) for w, m in TERMS.values()), key=lambda t: t[0].lower())
    items = "".join(
        f"<p><b>{html.escape(w)}</b> — {html.escape(m)}</p>"
        for w, m in terms
        if not needle or needle in w.lower() or needle in m.lower()
    )
    return "<h3>{}</h3>{}".format(tr("Words used in TinyStudio"), items or "<p>{}</p>".format(tr("No word matches.")))
