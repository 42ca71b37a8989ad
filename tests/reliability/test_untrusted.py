"""Model folders from someone else: schema-checked, size-checked, links refused, no code run."""

from __future__ import annotations

import json
import pickle
import shutil
from dataclasses import fields

import pytest

from tinystudio.core.errors import ModelFileError
from tinystudio.core.modelio import load_model
from tinystudio.core.models import ModelConfig

WRONG = [None, "x", 1.5, True, [], {}, -(2**70)]
ARCH_FIELDS = [f.name for f in fields(ModelConfig)]


@pytest.fixture
def copy(model_folder, tmp_path):
    dst = tmp_path / "copy"
    shutil.copytree(model_folder, dst)
    return dst


def _edit(folder, change):
    path = folder / "config.json"
    config = json.loads(path.read_text())
    change(config)
    path.write_text(json.dumps(config))


@pytest.mark.parametrize("field", ARCH_FIELDS)
def test_wrong_type_in_any_architecture_field_is_refused(copy, field):
    for value in WRONG:
        _edit(copy, lambda c, v=value: c["architecture"].__setitem__(field, v))
        try:
            model = load_model(copy)
        except ModelFileError as exc:
            assert exc.message and "Traceback" not in exc.message
            continue
        # Only a value of the right type may load (True for a bool field, or an int setting
        # this kind of model does not use): then the model must work.
        # ...or an empty list for a field that is a list of ids (the right type, and empty).
        assert (isinstance(value, bool) or field in ("ngram_buckets", "pad_id")
                or (value == [] and field in ("sep_ids", "lower_ids"))), (field, value)
        model.predict(["a cat"])


@pytest.mark.parametrize("key", ["format", "format_version", "task", "architecture", "labels",
                                 "tokenizer", "training", "data", "metrics", "variant"])  # fmt: skip
def test_wrong_type_in_any_top_level_field_is_refused(copy, key):
    right_type = type(json.loads((copy / "config.json").read_text())[key])
    for value in ["x", 7, [1], {"a": 1}]:
        _edit(copy, lambda c, v=value: c.__setitem__(key, v))
        if type(value) is not right_type:  # a value of the wrong type: always refused
            with pytest.raises(ModelFileError) as info:
                load_model(copy)
            assert info.value.message and "Traceback" not in info.value.message
            continue
        # The right type with other contents: refused (a foreign format, an unknown task...)
        # or, for a dict of notes such as metrics, loaded; then the model works.
        try:
            model = load_model(copy)
        except ModelFileError:
            continue
        assert isinstance(model.metrics, dict) and isinstance(model.train_config, dict)
        model.predict(["a cat"])


def test_a_config_describing_a_huge_model_is_refused_before_allocating(copy):
    _edit(copy, lambda c: c["architecture"].update(max_len=10**9))
    with pytest.raises(ModelFileError, match="too small for the model"):
        load_model(copy)


def test_unknown_version_and_foreign_format(copy):
    _edit(copy, lambda c: c.update(format_version=2))
    with pytest.raises(ModelFileError, match="Update TinyStudio"):
        load_model(copy)
    _edit(copy, lambda c: c.update(format="someone-elses-model"))
    with pytest.raises(ModelFileError, match="does not hold a TinyStudio model"):
        load_model(copy)


class _Payload:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, "w"))


@pytest.mark.parametrize("name", ["config.json", "tokenizer.json", "model.safetensors"])
def test_a_pickle_in_place_of_any_file_is_refused_and_never_run(copy, tmp_path, name):
    marker = tmp_path / "pwned"
    (copy / name).write_bytes(pickle.dumps(_Payload(str(marker))))
    with pytest.raises(ModelFileError):
        load_model(copy)
    assert not marker.exists()


def test_no_pickle_loader_is_reachable_from_the_loaders():
    """No module that opens user files calls pickle or torch.load."""
    from pathlib import Path

    import tinystudio

    root = Path(tinystudio.__file__).parent
    offenders = []
    for path in root.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for needle in ("pickle.load", "torch.load(", "import pickle", "weights_only=False"):
            if needle in text:
                offenders.append(f"{path.relative_to(root)}: {needle}")
    assert not offenders, offenders


@pytest.mark.parametrize("name", ["config.json", "tokenizer.json", "model.safetensors"])
def test_symlinks_to_any_file_are_refused(copy, model_folder, name):
    (copy / name).unlink()
    (copy / name).symlink_to(model_folder / name)
    with pytest.raises(ModelFileError, match="link"):
        load_model(copy)


def test_oversized_config_is_refused_without_reading_it(copy):
    with open(copy / "config.json", "ab") as f:
        f.truncate(5 * 1024 * 1024)
    with pytest.raises(ModelFileError, match="too large"):
        load_model(copy)


def test_project_with_a_linked_model_folder_is_refused_when_opened(copy, tmp_path):
    from tinystudio.gui.project import open_project

    project = tmp_path / "shared.tinystudio"
    (project / "model").mkdir(parents=True)
    for name in ("config.json", "tokenizer.json", "model.safetensors"):
        (project / "model" / name).symlink_to(copy / name)
    (project / "project.json").write_text(json.dumps({
        "format": "tinystudio-project", "format_version": 1, "data_path": None}))
    opened = open_project(project)
    with pytest.raises(ModelFileError, match="link"):
        load_model(opened.model_dir)


def test_project_from_a_newer_version_is_refused(tmp_path):
    from tinystudio.gui.project import ProjectError, open_project

    (tmp_path / "p.tinystudio").mkdir()
    (tmp_path / "p.tinystudio" / "project.json").write_text(json.dumps({
        "format": "tinystudio-project", "format_version": 99}))
    with pytest.raises(ProjectError, match="newer TinyStudio"):
        open_project(tmp_path / "p.tinystudio")
