"""Plain-word explanations of every technical term the app shows (tooltips and the glossary)."""

from __future__ import annotations

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
        tr_noop("Quantization"),
        tr_noop("Storing the model's numbers with fewer digits, making the file smaller and often faster, "
        "usually at a small cost in quality."),
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


def glossary_html() -> str:
    """All terms, for the Help ▸ Glossary dialog."""
    terms = sorted((tr(w), tr(m)) for w, m in TERMS.values())
    items = "".join(f"<p><b>{w}</b> — {m}</p>" for w, m in terms)
    return "<h3>{}</h3>{}".format(tr("Words used in TinyStudio"), items)
