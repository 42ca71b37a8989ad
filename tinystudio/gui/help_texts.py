"""Plain-word explanations of every technical term the app shows (tooltips and the glossary)."""

from __future__ import annotations

TERMS: dict[str, tuple[str, str]] = {
    # key: (the word as shown, what it means in plain words)
    "task": (
        "Task",
        "What the model should learn. 'Sort texts into groups' (classify) learns to put a label "
        "on each text. 'Write text like this' (generate) learns to continue a text in the same style.",
    ),
    "text_column": ("Text column", "The column holding the texts the model reads."),
    "label_column": (
        "Label column",
        "The column holding the right answer for each text (its group, category or label).",
    ),
    "token": (
        "Token",
        "A piece of text the model reads as one unit: a word, part of a word, or one character.",
    ),
    "vocabulary": (
        "Vocabulary",
        "All the different tokens the model knows. A bigger vocabulary knows more whole words.",
    ),
    "preset": (
        "Model size",
        "Tiny trains fastest and is smallest; Base can learn more but needs more time and data.",
    ),
    "parameters": (
        "Parameters",
        "The numbers the model adjusts while it learns. More parameters can learn more, "
        "but take longer to train and make a bigger file.",
    ),
    "epoch": (
        "Epoch",
        "One full pass over all the training examples. Training usually takes several passes.",
    ),
    "time_budget": (
        "Time limit",
        "Training stops after this many seconds at most, keeping the best model found so far.",
    ),
    "loss": (
        "Loss (error)",
        "How wrong the model is, on average. Lower is better. It should go down as the model learns.",
    ),
    "train_loss": (
        "Training loss",
        "The error on the examples the model learns from.",
    ),
    "validation": (
        "Validation",
        "A part of your data (about 10%) kept aside while training, to check how well the model "
        "does on texts it has not learned from.",
    ),
    "val_loss": (
        "Validation loss",
        "The error on the validation examples. If it rises while the training loss falls, the "
        "model is memorising instead of learning (overfitting).",
    ),
    "val_accuracy": (
        "Validation accuracy",
        "The share of validation texts that get the right label. 1.0 means all of them.",
    ),
    "accuracy": ("Accuracy", "The share of test texts that got the right label."),
    "macro_f1": (
        "Macro-F1",
        "A score between 0 and 1 that treats every label as equally important, even rare ones. "
        "Higher is better.",
    ),
    "precision": (
        "Precision",
        "Of the texts the model put in this group, the share that really belong there.",
    ),
    "recall": ("Recall", "Of the texts that belong in this group, the share the model found."),
    "f1": ("F1", "A balance of precision and recall, between 0 and 1. Higher is better."),
    "support": ("Examples", "How many test texts have this label."),
    "confusion": (
        "Confusion matrix",
        "Rows are the right answers, columns what the model said. The diagonal holds the correct "
        "answers; any other cell shows a mix-up. Click a cell to see its texts.",
    ),
    "test": (
        "Test",
        "Another 10% of your data, never used while training, to score the finished model fairly.",
    ),
    "bits_per_char": (
        "Bits per character",
        "How surprised the model is by each character of new text. Lower is better; "
        "plain English text is hard to get below about 1.5.",
    ),
    "perplexity": (
        "Perplexity",
        "Roughly how many choices the model hesitates between for each next token. Lower is better.",
    ),
    "overfitting": (
        "Overfitting",
        "When the model memorises the training examples instead of learning what they have in "
        "common, so it gets worse on new texts.",
    ),
    "learning_rate": (
        "Learning rate",
        "How big a step the model takes each time it corrects itself. Too high and training "
        "goes wrong; too low and it learns slowly. 0 means the usual value for this model.",
    ),
    "batch_size": (
        "Batch size",
        "How many examples the model looks at before each correction. 0 means the usual value.",
    ),
    "model_kind": (
        "Model kind",
        "fastText: very fast, good at sorting texts by their words. Transformer: the kind of "
        "model behind modern chatbots, best for writing text. LSTM: an older kind that reads "
        "text in order.",
    ),
    "seed": (
        "Seed",
        "A number that fixes the random choices, so that training again gives the same result.",
    ),
    "temperature": (
        "Temperature",
        "How adventurous the writing is. Low (0.2) is safe and repetitive; high (1.5) is "
        "creative and often nonsense.",
    ),
    "top_k": (
        "Top-k",
        "Only pick the next token among the k most likely ones (0 = no limit). Smaller is safer.",
    ),
    "length": ("Length", "How many tokens to write."),
    "quantization": (
        "Quantization",
        "Storing the model's numbers with fewer digits, making the file smaller and often faster, "
        "usually at a small cost in quality.",
    ),
    "examples_per_sec": (
        "Speed",
        "How many examples (or tokens, for writing) the model learns from each second.",
    ),
}


def tip(key: str) -> str:
    """The tooltip for ``key``: "<b>Word</b>: meaning" (rich text, wraps nicely)."""
    word, meaning = TERMS[key]
    return f"<b>{word}</b>: {meaning}"


def glossary_html() -> str:
    """All terms, for the Help ▸ Glossary dialog."""
    items = "".join(f"<p><b>{w}</b> — {m}</p>" for w, m in sorted(TERMS.values()))
    return f"<h3>Words used in TinyStudio</h3>{items}"
