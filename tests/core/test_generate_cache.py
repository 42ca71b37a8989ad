"""Generation with a cache (Transformer keys/values, LSTM state) gives exactly the tokens of the
uncached path (the whole window re-read for every token), before and after the window fills."""

import pytest
import torch

from tinystudio.core import inference
from tinystudio.core.compress.quantize import quantize_int8
from tinystudio.core.inference import TrainedModel
from tinystudio.core.models import build_model
from tinystudio.core.models.config import ModelConfig
from tinystudio.core.tokenize import TextTokenizer

CORPUS = ["In the beginning God created the heaven and the earth. " * 4, "And the earth was void.\n"]
WINDOW = 24
TOKENS = 70  # well past the window: the cache is used, then the window slides


def lm(kind: str) -> TrainedModel:
    tok = TextTokenizer.train(CORPUS, kind="char")
    cfg = ModelConfig(task="generate", kind=kind, vocab_size=tok.vocab_size, d_model=32, n_layers=2,
                      n_heads=4, d_ff=64, max_len=WINDOW, dropout=0.1)
    torch.manual_seed(0)
    module = build_model(cfg)
    with torch.no_grad():  # larger weights than at initialisation: peaked, varied predictions
        for p in module.parameters():
            if p.dim() > 1:
                p.normal_(0.0, 0.3)
    return TrainedModel(config=cfg, tokenizer=tok, module=module.eval())


def tokens(model: TrainedModel, cached: bool, monkeypatch, **kw) -> list[int]:
    """The ids ``generate`` samples (recorded as they are drawn)."""
    drawn = []

    def record(*args):
        drawn.append(real_sample(*args))
        return drawn[-1]

    real_sample = inference._sample
    with monkeypatch.context() as m:
        m.setattr(inference, "_sample", record)
        if not cached:
            m.setattr(TrainedModel, "uses_cache", property(lambda self: False))
        list(model.generate("And God", max_tokens=TOKENS, **kw))
    return drawn


@pytest.mark.parametrize("kind", ["transformer", "lstm"])
@pytest.mark.parametrize("variant", ["fp32", "int8"])
def test_cache_gives_the_same_tokens(kind, variant, monkeypatch):
    model = lm(kind)
    if variant == "int8":
        model = quantize_int8(model)
    for kw in ({"temperature": 0.8, "seed": 3}, {"temperature": 1.0, "top_k": 5, "seed": 11},
               {"temperature": 0.0}):
        plain = tokens(model, False, monkeypatch, **kw)
        fast = tokens(model, True, monkeypatch, **kw)
        assert len(plain) == TOKENS  # the window really slid
        assert fast == plain, kw
        if kw["temperature"]:
            assert len(set(plain)) > 3  # varied text, not one repeated token


@pytest.mark.parametrize("kind", ["transformer", "lstm"])
def test_each_token_reads_one_new_token_while_the_window_lasts(kind):
    model = lm(kind)
    assert model.uses_cache
    seen = []
    real_decode, real_forward = model.module.decode, model.module.forward
    model.module.decode = lambda ids, state=None: (seen.append(("cache", ids.shape[1])), real_decode(ids, state))[1]
    model.module.forward = lambda ids, mask=None: (seen.append(("window", ids.shape[1])), real_forward(ids, mask))[1]
    prompt = model.tokenizer.encode("And God")
    list(model.generate("And God", max_tokens=40, seed=1))
    n_cached = WINDOW - len(prompt) + 1  # steps whose whole text fits the window
    assert seen[0] == ("cache", len(prompt))
    assert seen[1:n_cached] == [("cache", 1)] * (n_cached - 1)
    assert seen[n_cached:] == [("window", WINDOW)] * (40 - n_cached)


def test_int8_variants_keep_the_uncached_path():
    # Their dynamic-int8 layers scale each call's activations as a whole: one token alone would
    # be rounded differently than inside the window, and the tokens would differ (they did for
    # both kinds when the cache was tried on them).
    assert not quantize_int8(lm("transformer")).uses_cache
    assert not quantize_int8(lm("lstm")).uses_cache
