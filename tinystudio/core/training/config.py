"""Training settings: a frozen dataclass whose ``None`` fields mean "the default for this task"."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace

from tinystudio.i18n import tr

from ..errors import ConfigError
from ..models.config import KINDS, PRESETS, TASKS

# Defaults chosen per task and model kind. Learning rates are for AdamW.
DEFAULT_KIND = {"classify": "fasttext", "generate": "transformer"}
DEFAULT_TOKENIZER = {"classify": "bpe", "generate": "char"}
DEFAULT_VOCAB = {"tiny": 2000, "small": 4000, "base": 8000}  # BPE vocabulary per preset
# The best quality in well under a minute on a 2-core CPU (bench/bench_models.py): fastText
# Base is within a point of TF-IDF baselines on the samples, or better, in 7-30 s; a
# Transformer or LSTM classifier of Base size would not finish in a minute.
DEFAULT_PRESET = {
    ("classify", "fasttext"): "base",
    ("classify", "transformer"): "small",
    ("classify", "lstm"): "small",
    ("generate", "transformer"): "tiny",
    ("generate", "lstm"): "tiny",
}
DEFAULT_LR = {
    ("classify", "fasttext"): 2e-2,
    ("classify", "transformer"): 1e-3,
    ("classify", "lstm"): 2e-3,
    ("generate", "transformer"): 3e-3,
    ("generate", "lstm"): 3e-3,
}
DEFAULT_EPOCHS = {
    ("classify", "fasttext"): 20,
    ("classify", "transformer"): 10,
    ("classify", "lstm"): 10,
    ("generate", "transformer"): 3,
    ("generate", "lstm"): 3,
}
# fastText: a step costs about the same at 32 or 512 texts (it is the dense update of the
# hashed bigram table), so a larger batch with a higher rate reaches the same accuracy ~4x faster.
DEFAULT_BATCH = {
    ("classify", "fasttext"): 128,
    ("classify", "transformer"): 32,
    ("classify", "lstm"): 32,
    ("generate", "transformer"): 16,
    ("generate", "lstm"): 16,
}
# A language model trained for minutes on a CPU underfits: dropout only slows it down (and
# keeps attention off its fast kernels). Classifiers on a few thousand rows do overfit.
DEFAULT_DROPOUT = {"classify": 0.1, "generate": 0.0}
DEFAULT_MAX_LEN = {"classify": 128, "generate": 64}
COMPILE_MODES = ("auto", "on", "off")  # see compiling.py
NGRAM_MAX_CHARS = 4096  # characters of a text an n-gram model reads
NGRAM_BUCKETS = 1 << 18


def parse_ngrams(spec: str) -> tuple[int, int, int]:
    """``"w2+c1-4"`` -> (word_ngrams, char_min, char_max) = (2, 1, 4)."""
    words, cmin, cmax = 0, 0, 0
    try:
        for part in spec.split("+"):
            if part.startswith("w"):
                words = int(part[1:])
            elif part.startswith("c"):
                lo, _, hi = part[1:].partition("-")
                cmin, cmax = int(lo), int(hi or lo)
            else:
                raise ValueError(part)
    except ValueError:
        raise ConfigError(
            f"Unknown n-gram features {spec!r}: write them like 'w2+c1-4' (word uni- and "
            "bigrams, character 1- to 4-grams)."
        ) from None
    if not (0 <= words <= 2 and 0 <= cmin <= cmax <= 8) or not (words or cmax):
        raise ConfigError(f"Unknown n-gram features {spec!r}: words up to 2, characters up to 8.")
    return words, cmin, cmax


@dataclass(frozen=True)
class TrainConfig:
    task: str = "classify"
    model_kind: str | None = None  # fasttext | transformer | lstm
    preset: str | None = None  # tiny | small | base
    epochs: int | None = None  # passes over the training split
    max_time: float | None = None  # seconds of training at most (pauses excluded)
    lr: float | None = None  # peak learning rate (after warm-up)
    batch_size: int | None = None
    seed: int = 0
    weight_decay: float = 0.01
    warmup_fraction: float = 0.05  # of the run, before the cosine decay
    grad_clip: float = 1.0  # max gradient norm
    patience: int = 5  # evaluations without improvement before stopping early (0 = never)
    tokenizer: str | None = None  # char | bpe
    vocab_size: int | None = None  # BPE vocabulary size
    max_len: int | None = None  # classify: tokens kept per text; generate: context window
    device: str = "auto"  # auto | cpu | cuda | mps
    evals_per_run: int = 20  # how many validation passes to spread over the run
    checkpoint_every: float = 60.0  # seconds between checkpoints (0 = never)
    sample_every: float = 10.0  # generate: seconds between sample texts (0 = never)
    threads: int | None = None  # torch intra-op threads (None = leave as is)
    dropout: float | None = None
    augment: tuple[str, ...] = ()  # classify: word_dropout, word_swap, char_noise, subword
    init_from: str | None = None  # a model folder whose weights (and tokenizer) to start from
    freeze_body: bool = False  # with init_from: train only the output layer
    compile: str = "auto"  # torch.compile the language model: auto (CUDA, long runs) | on | off
    # classify, fastText only: hashed n-grams over characters instead of tokens, e.g. "w2+c1-4"
    # (word uni+bigrams and character 1- to 4-grams), "w1", "c2-5" (models/ngrams.py)
    ngrams: str | None = None
    ngram_buckets: int | None = None  # rows of the hashed n-gram table (None = preset's, 2**18 for ngrams)
    hidden: int = 0  # fastText: width of one hidden ReLU layer (0 = linear)
    class_weight: bool = False  # classify: weigh each class by 1/frequency in the loss
    # classify: let Auto choose the model within max_time (core/auto); None = when no model is named
    auto: bool | None = None
    metric: str = "accuracy"  # classify: the validation score that picks the best weights: accuracy | macro_f1

    def __post_init__(self) -> None:
        if self.task not in TASKS:
            raise ConfigError(tr("Unknown task {task!r}: choose one of {choices}.").format(task=self.task, choices=', '.join(TASKS)))
        if self.model_kind is not None and self.model_kind not in KINDS:
            raise ConfigError(
                tr("Unknown model kind {model_kind!r}: choose one of {choices}.").format(model_kind=self.model_kind, choices=', '.join(KINDS))
            )
        if self.preset is not None and self.preset not in PRESETS:
            raise ConfigError(tr("Unknown preset {preset!r}: choose one of {choices}.").format(preset=self.preset, choices=', '.join(PRESETS)))
        if self.epochs is not None and self.epochs < 1:
            raise ConfigError(tr("The number of epochs must be at least 1."))
        if self.max_time is not None and self.max_time <= 0:
            raise ConfigError(tr("The time budget must be more than 0 seconds."))
        if self.batch_size is not None and self.batch_size < 1:
            raise ConfigError(tr("The batch size must be at least 1."))
        from ..augment import METHODS

        unknown = [a for a in self.augment if a not in METHODS]
        if unknown:
            raise ConfigError(
                tr("Unknown augmentation {names}: choose from {choices}.").format(names=', '.join(unknown), choices=", ".join(METHODS))
            )
        if self.compile not in COMPILE_MODES:
            raise ConfigError(tr("Unknown compile setting {compile!r}: choose auto, on or off.").format(compile=self.compile))
        if self.ngrams is not None:
            parse_ngrams(self.ngrams)
        if self.metric not in ("accuracy", "macro_f1"):
            raise ConfigError(f"Unknown metric {self.metric!r}: choose accuracy or macro_f1.")
        if self.lr is not None and not (0 < self.lr < 10):
            raise ConfigError(tr("The learning rate must be a small positive number such as 0.001."))

    def resolved(self) -> TrainConfig:
        """A copy with every ``None`` replaced by the default for this task and model kind."""
        kind = self.model_kind or DEFAULT_KIND[self.task]
        if self.ngrams and (self.task != "classify" or kind != "fasttext"):
            raise ConfigError("Hashed n-gram features are for the fastText classifier only.")
        if self.task == "generate" and kind == "fasttext":
            raise ConfigError(
                tr("The fastText model can only classify; pick 'transformer' or 'lstm' to generate text.")
            )
        preset = self.preset or DEFAULT_PRESET[(self.task, kind)]
        return replace(
            self,
            model_kind=kind,
            preset=preset,
            epochs=self.epochs or DEFAULT_EPOCHS[(self.task, kind)],
            lr=self.lr or DEFAULT_LR[(self.task, kind)],
            batch_size=self.batch_size or DEFAULT_BATCH[(self.task, kind)],
            tokenizer=self.tokenizer or ("char" if self.ngrams else DEFAULT_TOKENIZER[self.task]),
            vocab_size=self.vocab_size or DEFAULT_VOCAB[preset],
            max_len=self.max_len or (NGRAM_MAX_CHARS if self.ngrams else DEFAULT_MAX_LEN[self.task]),
            dropout=self.dropout if self.dropout is not None else DEFAULT_DROPOUT[self.task],
        )

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> TrainConfig:
        known = {f.name for f in fields(cls)}
        clean = {k: v for k, v in data.items() if k in known}
        if "augment" in clean:
            clean["augment"] = tuple(clean["augment"] or ())
        return cls(**clean)
