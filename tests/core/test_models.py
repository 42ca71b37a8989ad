import pytest
import torch

from tinystudio.core.errors import ConfigError
from tinystudio.core.models import KINDS, PRESETS, build_model, count_params, preset_config


def _combos():
    for task in ("classify", "generate"):
        for kind in KINDS:
            if not (kind == "fasttext" and task == "generate"):
                yield task, kind


@pytest.mark.parametrize("task,kind", list(_combos()))
def test_output_shapes(task, kind):
    cfg = preset_config(task, kind, "tiny", vocab_size=50, n_classes=3)
    model = build_model(cfg).eval()
    ids = torch.randint(3, 50, (4, 11))
    mask = torch.ones(4, 11, dtype=torch.bool)
    out = model(ids, mask)
    assert out.shape == ((4, 3) if task == "classify" else (4, 11, 50))
    assert torch.isfinite(out).all()


@pytest.mark.parametrize("kind", KINDS)
def test_classifier_ignores_padding(kind):
    """Adding padding to the right must not change a classifier's answer."""
    torch.manual_seed(0)
    cfg = preset_config("classify", kind, "tiny", vocab_size=60, n_classes=4, pad_id=0)
    model = build_model(cfg).eval()
    ids = torch.randint(3, 60, (1, 7))
    padded = torch.cat([ids, torch.zeros(1, 5, dtype=torch.long)], dim=1)
    mask = padded != 0
    with torch.no_grad():
        a = model(ids, torch.ones_like(ids, dtype=torch.bool))
        b = model(padded, mask)
    torch.testing.assert_close(a, b, atol=1e-5, rtol=1e-4)


def test_causal_lm_does_not_look_ahead():
    torch.manual_seed(0)
    cfg = preset_config("generate", "transformer", "tiny", vocab_size=40, dropout=0.0)
    model = build_model(cfg).eval()
    ids = torch.randint(3, 40, (1, 10))
    changed = ids.clone()
    changed[0, 7:] = 5
    with torch.no_grad():
        a, b = model(ids), model(changed)
    torch.testing.assert_close(a[:, :7], b[:, :7])  # positions before the change are unaffected


def test_presets_grow_roughly_tenfold():
    """Tiny/Small/Base aim at ~0.1M / 1M / 5M parameters (vocabulary of a char model)."""
    counts = [count_params(build_model(preset_config("generate", "transformer", p, vocab_size=80))) for p in PRESETS]
    assert 50_000 < counts[0] < 250_000
    assert 500_000 < counts[1] < 2_000_000
    assert 3_000_000 < counts[2] < 8_000_000


def test_bad_settings_are_refused_in_plain_words():
    with pytest.raises(ConfigError, match="only classify"):
        preset_config("generate", "fasttext", "tiny", vocab_size=10)
    with pytest.raises(ConfigError, match="preset"):
        preset_config("classify", "lstm", "huge", vocab_size=10, n_classes=2)
    with pytest.raises(ConfigError, match="two classes"):
        preset_config("classify", "lstm", "tiny", vocab_size=10, n_classes=1)


def test_presets_and_training_defaults_load_without_torch():
    """The window reads sizes and defaults at start-up, before torch (~2 s) is imported."""
    import subprocess
    import sys

    code = (
        "import sys, tinystudio.core.models, tinystudio.core.training.config as c; "
        "c.TrainConfig(task='generate').resolved(); sys.exit('torch' in sys.modules)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
