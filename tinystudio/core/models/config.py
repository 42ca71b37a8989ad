"""Model hyper-parameters: one frozen dataclass, plus the Tiny/Small/Base presets.

A preset fixes the *shape* of a model (widths, depths); the vocabulary size and the number
of classes come from the data. Parameter counts therefore depend on the data a little: the
presets aim at about 0.1M / 1M / 5M parameters with the default tokenizers.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace

from tinystudio.i18n import tr

from ..errors import ConfigError

TASKS = ("classify", "generate")
KINDS = ("fasttext", "transformer", "lstm")
PRESETS = ("tiny", "small", "base")


@dataclass(frozen=True)
class ModelConfig:
    task: str  # "classify" (text -> label) or "generate" (causal language model)
    kind: str  # "fasttext", "transformer" or "lstm"
    vocab_size: int  # tokens the tokenizer knows (padding included)
    n_classes: int = 0  # classify only
    d_model: int = 128  # embedding / hidden width
    n_layers: int = 2  # transformer blocks or LSTM layers
    n_heads: int = 4  # attention heads (transformer)
    d_ff: int = 512  # feed-forward width (transformer)
    max_len: int = 128  # longest input in tokens; the context window for generate
    dropout: float = 0.1
    bidirectional: bool = True  # LSTM classifier reads both directions (LM never does)
    ngram_buckets: int = 0  # fasttext: hashed token-bigram buckets (0 = unigrams only)
    pad_id: int = 0
    # Transformer classifier: attend only to earlier tokens, as a language model does. Set
    # when a classifier starts from a pre-trained language model, so its layers see text
    # the way they learned to.
    causal: bool = False
    # fasttext with features="ngrams": hashed n-grams read from a character tokenizer's ids
    # (models/ngrams.py): character n-grams of char_min..char_max characters (0 = none) and
    # word n-grams up to word_ngrams words, all hashed into ngram_buckets rows; an optional
    # hidden ReLU layer; and the alphabet facts the hashing needs (ids of word separators,
    # pairs of capital and small letter ids).
    features: str = "tokens"  # "tokens" (token + token-bigram ids) | "ngrams"
    word_ngrams: int = 0
    char_min: int = 0
    char_max: int = 0
    hidden: int = 0
    tfidf: bool = False  # weigh n-grams by a learned idf and divide by the L2 norm (else: the mean)
    sep_ids: tuple = ()
    lower_ids: tuple = ()

    def __post_init__(self) -> None:
        if self.task not in TASKS:
            raise ConfigError(tr("Unknown task {task!r}: choose one of {choices}.").format(task=self.task, choices=', '.join(TASKS)))
        if self.kind not in KINDS:
            raise ConfigError(tr("Unknown model kind {kind!r}: choose one of {choices}.").format(kind=self.kind, choices=', '.join(KINDS)))
        if self.kind == "fasttext" and self.task != "classify":
            raise ConfigError(
                tr("The fastText model can only classify; pick 'transformer' or 'lstm' to generate text.")
            )
        if self.features not in ("tokens", "ngrams"):
            raise ConfigError(f"Unknown feature set {self.features!r}.")
        if self.features == "ngrams" and (self.kind != "fasttext" or self.ngram_buckets < 1):
            raise ConfigError("Hashed n-gram features need a fastText model with n-gram buckets.")
        if self.char_max > 8 or self.char_min > self.char_max or self.char_min < 0:
            raise ConfigError("Character n-grams must be 1 to 8 characters long.")
        if not 0 <= self.word_ngrams <= 8:
            raise ConfigError("Word n-grams must be 0 to 8 words long.")
        if not 0 <= self.hidden <= 1 << 16:
            raise ConfigError("The hidden layer must have 0 to 65,536 units.")
        for name in ("sep_ids", "lower_ids"):
            ids = getattr(self, name)
            if not isinstance(ids, tuple) or not all(
                isinstance(i, int) and not isinstance(i, bool) and 0 <= i < self.vocab_size for i in ids
            ):
                raise ConfigError(f"The model's {name} must be token ids of its vocabulary.")
        if self.task == "classify" and self.n_classes < 2:
            raise ConfigError(tr("A classifier needs at least two classes."))
        if self.kind == "transformer" and self.d_model % self.n_heads:
            raise ConfigError(tr("The model width must be a multiple of the number of attention heads."))
        for name in ("vocab_size", "d_model", "n_layers", "n_heads", "d_ff", "max_len"):
            if getattr(self, name) < 1:
                raise ConfigError(tr("{name} must be at least 1.").format(name=name))

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> ModelConfig:
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ConfigError(tr("Unknown model settings: {names}.").format(names=', '.join(sorted(unknown))))
        data = {k: tuple(v) if isinstance(v, list) else v for k, v in data.items()}
        try:
            return cls(**data)
        except TypeError as exc:
            raise ConfigError(tr("Model settings are incomplete: {exc}").format(exc=exc)) from exc


# Shapes per kind and preset. Widths are multiples of 32 (fast matmuls on CPU).
_SHAPES: dict[str, dict[str, dict]] = {
    "transformer": {
        "tiny": dict(d_model=64, n_layers=2, n_heads=2, d_ff=256),
        "small": dict(d_model=128, n_layers=4, n_heads=4, d_ff=512),
        "base": dict(d_model=256, n_layers=6, n_heads=8, d_ff=1024),
    },
    "lstm": {
        "tiny": dict(d_model=64, n_layers=1),
        "small": dict(d_model=128, n_layers=2),
        "base": dict(d_model=256, n_layers=2),
    },
    "fasttext": {
        "tiny": dict(d_model=8, ngram_buckets=4096),
        "small": dict(d_model=32, ngram_buckets=24_000),
        "base": dict(d_model=64, ngram_buckets=70_000),
    },
}


def preset_config(
    task: str, kind: str, preset: str, *, vocab_size: int, n_classes: int = 0, **overrides
) -> ModelConfig:
    """The :class:`ModelConfig` of a named preset, with explicit overrides applied last."""
    if preset not in PRESETS:
        raise ConfigError(tr("Unknown preset {preset!r}: choose one of {choices}.").format(preset=preset, choices=', '.join(PRESETS)))
    if kind not in _SHAPES:
        raise ConfigError(tr("Unknown model kind {kind!r}: choose one of {choices}.").format(kind=kind, choices=', '.join(KINDS)))
    base = ModelConfig(
        task=task,
        kind=kind,
        vocab_size=vocab_size,
        n_classes=n_classes,
        **_SHAPES[kind][preset],
    )
    clean = {k: v for k, v in overrides.items() if v is not None}
    return replace(base, **clean) if clean else base
