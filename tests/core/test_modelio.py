"""The model folder: round trip, and refusal of damaged, foreign or unsafe folders."""

import json
import pickle
import shutil

import pytest
import torch

from tinystudio.core.data import load_dataset
from tinystudio.core.errors import ModelFileError
from tinystudio.core.modelio import load_model, read_config, read_training_log, save_model
from tinystudio.core.training.config import TrainConfig
from tinystudio.core.training.loop import train


@pytest.fixture(scope="module")
def saved(small_classify_csv, tmp_path_factory):
    data = load_dataset(small_classify_csv, task="classify", seed=0)
    result = train(TrainConfig(task="classify", model_kind="transformer", preset="tiny", epochs=1, checkpoint_every=0), data)
    folder = tmp_path_factory.mktemp("model") / "m"
    save_model(result.model, folder, log=result.history)
    return folder, result.model


@pytest.fixture()
def copy(saved, tmp_path):
    dst = tmp_path / "copy"
    shutil.copytree(saved[0], dst)
    return dst


def test_round_trip_gives_the_same_probabilities(saved):
    folder, model = saved
    loaded = load_model(folder)
    texts = ["a large wild cat", "bread made of rye", "to walk slowly"]
    torch.testing.assert_close(loaded.predict_proba(texts), model.predict_proba(texts))
    assert loaded.label_names == model.label_names
    config = read_config(folder)
    assert config["format"] == "tinystudio-model" and config["format_version"] == 1
    assert {"torch", "tokenizers", "tinystudio"} <= set(config["versions"])
    assert config["data"]["fingerprint"] and config["data"]["split_seed"] == 0
    assert config["tokenizer"]["kind"] == "bpe"
    log = read_training_log(folder)
    assert log[0]["event"] == "TrainStarted" and log[-1]["event"] == "TrainFinished"


def test_missing_file_is_named(copy):
    (copy / "tokenizer.json").unlink()
    with pytest.raises(ModelFileError, match="tokenizer.json is missing"):
        load_model(copy)


def test_not_a_folder(tmp_path):
    with pytest.raises(ModelFileError, match="not a model folder"):
        load_model(tmp_path / "nowhere")


def test_truncated_weights_are_refused(copy):
    data = (copy / "model.safetensors").read_bytes()
    (copy / "model.safetensors").write_bytes(data[: len(data) // 2])
    with pytest.raises(ModelFileError, match="damaged"):
        load_model(copy)


def test_weights_that_do_not_fit_the_config_are_refused(copy):
    cfg = json.loads((copy / "config.json").read_text())
    cfg["architecture"]["d_model"] = 32
    cfg["architecture"]["d_ff"] = 64
    (copy / "config.json").write_text(json.dumps(cfg))
    with pytest.raises(ModelFileError, match="shape"):
        load_model(copy)


def test_newer_format_version_is_refused_with_advice(copy):
    cfg = json.loads((copy / "config.json").read_text())
    cfg["format_version"] = 99
    (copy / "config.json").write_text(json.dumps(cfg))
    with pytest.raises(ModelFileError, match="Update TinyStudio"):
        load_model(copy)


def test_damaged_config_json(copy):
    (copy / "config.json").write_text("{not json")
    with pytest.raises(ModelFileError, match="damaged"):
        load_model(copy)


class _Payload:
    """Unpickling this would create a marker file: proof that code ran."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, "w"))


def test_a_planted_pickle_is_never_executed(copy, tmp_path):
    marker = tmp_path / "pwned"
    evil = pickle.dumps(_Payload(str(marker)))
    (copy / "model.safetensors").write_bytes(evil)  # a pickle dressed as our weights file
    (copy / "pytorch_model.bin").write_bytes(evil)  # and one under the usual torch name
    with pytest.raises(ModelFileError):
        load_model(copy)
    assert not marker.exists()


def test_symlinked_files_are_refused(copy, saved):
    (copy / "model.safetensors").unlink()
    (copy / "model.safetensors").symlink_to(saved[0] / "model.safetensors")
    with pytest.raises(ModelFileError, match="link"):
        load_model(copy)
