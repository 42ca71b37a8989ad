"""Property tests: any bytes in, either a result or our own error out — never a crash, never a hang.

Each example runs under an alarm: a reader or loader that hangs fails the test instead of
blocking CI. Hypothesis's own deadline is off because this shared machine's timings are noisy.
"""

from __future__ import annotations

import codecs
import contextlib
import json
import shutil
import signal
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tinystudio.core.data import inspect_data, load_dataset
from tinystudio.core.errors import ModelFileError, TinyStudioError
from tinystudio.core.modelio import load_model

HANG_SECONDS = 20
def _settings(n: int) -> settings:
    return settings(max_examples=n, deadline=None, derandomize=True, database=None,
                    suppress_health_check=list(HealthCheck))  # fmt: skip

pytestmark = pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="needs SIGALRM")


class Hang(Exception):
    pass


@contextlib.contextmanager
def no_hang(seconds: float = HANG_SECONDS):
    def alarm(signum, frame):  # noqa: ARG001
        raise Hang(f"no answer within {seconds} s")

    old = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


# -- data files -------------------------------------------------------------------------------

_CELL = st.text(alphabet=st.sampled_from(list('ab ,;\t|"\'\n\r\x00\x1béàç€中😀N/A-0.5')), max_size=12)
_TABLE = st.lists(st.lists(_CELL, min_size=0, max_size=5), max_size=12).map(
    lambda rows: "\n".join(",".join(r) for r in rows)
)
_ENCODINGS = st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be",
                              "utf-32", "cp1252", "latin-1"])  # fmt: skip


def _encode(text: str, encoding: str) -> bytes:
    return text.encode(encoding, errors="replace")


FILE_BYTES = st.one_of(
    st.binary(max_size=3000),
    st.builds(_encode, _TABLE, _ENCODINGS),
    st.builds(lambda a, b: a + b, st.sampled_from([b"", codecs.BOM_UTF8, codecs.BOM_UTF16_LE,
                                                   b"PK\x03\x04", b"%PDF", b"\x1f\x8b"]),
              st.binary(max_size=500)),  # fmt: skip
    st.builds(lambda t, junk: t.encode() + junk, _TABLE, st.binary(max_size=40)),
)


@_settings(250)
@given(data=FILE_BYTES, suffix=st.sampled_from([".csv", ".txt", ".tsv"]),
       task=st.sampled_from(["classify", "generate"]))  # fmt: skip
def test_any_bytes_give_a_report_or_our_error(data, suffix, task):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"file{suffix}"
        path.write_bytes(data)
        for fn in (inspect_data, load_dataset):
            try:
                with no_hang():
                    result = fn(path, task=task)
            except TinyStudioError as exc:
                assert exc.message and exc.code, repr(exc)
            else:
                if fn is load_dataset:
                    assert len(result.texts) == len(result.splits.train) + len(
                        result.splits.val) + len(result.splits.test)  # fmt: skip


# -- model folders ----------------------------------------------------------------------------

FILES = ("config.json", "model.safetensors", "tokenizer.json")


def _mutate(blob: bytes, edits: list[tuple[int, int, int]], cut: int | None) -> bytes:
    """Overwrite, insert or delete bytes at positions (mod the length), then maybe truncate."""
    out = bytearray(blob)
    for kind, pos, value in edits:
        if not out:
            break
        i = pos % len(out)
        if kind == 0:
            out[i] = value
        elif kind == 1:
            out.insert(i, value)
        else:
            del out[i]
    if cut is not None and out:
        out = out[: cut % len(out)]
    return bytes(out)


EDITS = st.lists(st.tuples(st.integers(0, 2), st.integers(0, 1 << 20), st.integers(0, 255)),
                 min_size=1, max_size=8)  # fmt: skip
# safetensors: most of the interesting damage is in the first bytes (length + JSON header).
HEAD_EDITS = st.lists(st.tuples(st.integers(0, 2), st.integers(0, 600), st.integers(0, 255)),
                      min_size=1, max_size=8)  # fmt: skip


def _load_copy(src: Path, name: str, mutated: bytes):
    with tempfile.TemporaryDirectory() as tmp:
        dst = Path(tmp) / "m"
        shutil.copytree(src, dst)
        (dst / name).write_bytes(mutated)
        try:
            with no_hang():
                model = load_model(dst)
        except TinyStudioError as exc:
            assert isinstance(exc, ModelFileError) and exc.message, repr(exc)
            return None
        return model


@_settings(120)
@given(name=st.sampled_from(FILES), edits=st.one_of(EDITS, HEAD_EDITS),
       cut=st.none() | st.integers(0, 1 << 20))  # fmt: skip
def test_damaged_model_files_load_or_are_refused(model_folder, name, edits, cut):
    blob = (model_folder / name).read_bytes()
    model = _load_copy(model_folder, name, _mutate(blob, edits, cut))
    if model is not None:  # a harmless change (e.g. inside a weight): the model still works
        with no_hang():
            model.predict(["the cat"])


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**63) | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=6,
)


@_settings(150)
@given(where=st.sampled_from(["top", "architecture", "tokenizer"]), key_pick=st.integers(0, 100),
       value=JSON_VALUES)  # fmt: skip
def test_any_value_in_any_config_field_is_refused_or_works(model_folder, where, key_pick, value):
    config = json.loads((model_folder / "config.json").read_text())
    section = config if where == "top" else config[where]
    key = sorted(section)[key_pick % len(section)]
    section[key] = value
    text = json.dumps(config, allow_nan=True)
    model = _load_copy(model_folder, "config.json", text.encode())
    if model is not None:
        with no_hang():
            model.predict(["the cat"])
