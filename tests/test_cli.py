"""The command-line contract, run as a user would: real processes, JSON out, exit codes."""

import json
import subprocess
import sys

import pytest
import torch

from tinystudio.core.modelio import load_model


def run(*args, check=True):
    proc = subprocess.run(
        [sys.executable, "-m", "tinystudio.cli", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    if check and proc.returncode != 0:
        raise AssertionError(f"exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    return proc


@pytest.fixture(scope="module")
def cls_model(small_classify_csv, tmp_path_factory):
    out = tmp_path_factory.mktemp("cli") / "cls"
    proc = run("train", small_classify_csv, "--out", out, "--preset", "tiny", "--epochs", "3", "--json")
    return out, json.loads(proc.stdout)


def test_train_json_has_the_promised_keys(cls_model):
    out, summary = cls_model
    for key in ("model_dir", "params", "train_seconds", "accuracy", "macro_f1", "per_class", "confusion"):
        assert key in summary, key
    assert summary["model_dir"] == str(out)
    assert 0.0 <= summary["accuracy"] <= 1.0 and 0.0 <= summary["macro_f1"] <= 1.0
    assert summary["params"] > 0
    assert len(summary["confusion"]) == len(summary["per_class"])
    assert (out / "model.safetensors").is_file() and (out / "training_log.jsonl").is_file()
    assert not (out / ".checkpoint").exists()  # removed after a completed run


def test_train_by_default_lets_auto_choose_and_says_what_it_tried(small_classify_csv, tmp_path):
    """No --model/--preset: Auto tries candidates within --max-time; --json lists them."""
    out = tmp_path / "auto"
    summary = json.loads(run("train", small_classify_csv, "--out", out, "--max-time", "8", "--json").stdout)
    names = [c["name"] for c in summary["candidates"]]
    assert len(names) >= 2 and summary["chosen"] in names
    for c in summary["candidates"]:
        assert set(c) == {"name", "validation_score", "seconds"}
    scored = [c for c in summary["candidates"] if c["validation_score"] is not None]
    chosen = next(c for c in scored if c["name"] == summary["chosen"])
    best = max(c["validation_score"] for c in scored)
    assert chosen["validation_score"] >= best - 0.1  # the best, or within chance of it (one SE)
    assert summary["budget"]["ended"] in ("time_up", "no_improvement")
    assert summary["budget"]["used"] <= 8 * 1.1 + 2
    assert summary["reason"] and "accuracy" in summary  # the rest of the contract stays
    forced = json.loads(run("train", small_classify_csv, "--out", tmp_path / "f", "--model", "fasttext",
                            "--max-time", "2", "--json").stdout)
    assert "candidates" not in forced and forced["model"] == "fasttext"


def test_predict_in_a_fresh_process_matches_the_saved_model(cls_model):
    out, _ = cls_model
    texts = ["a large wild cat with a striped coat", "a sweet dish made of apples", "walk quickly"]
    proc = run("predict", out, *texts, "--json")
    result = json.loads(proc.stdout)["predictions"]
    expected = load_model(out).predict_proba(texts)
    model = load_model(out)
    for row, probs in zip(result, expected):
        assert row["label"] == model.label_names[int(probs.argmax())]
        got = torch.tensor([row["probabilities"][name] for name in model.label_names])
        torch.testing.assert_close(got, probs, atol=1e-6, rtol=1e-5)


def test_eval_scores_the_test_split_of_the_training_file(cls_model, small_classify_csv):
    out, summary = cls_model
    proc = run("eval", out, small_classify_csv, "--json")
    metrics = json.loads(proc.stdout)
    assert metrics["accuracy"] == pytest.approx(summary["accuracy"])
    assert metrics["scored"] == "test split of the training file"


def test_inspect_reports_columns_and_classes(small_classify_csv):
    report = json.loads(run("inspect", small_classify_csv, "--json").stdout)
    assert report["choice"]["text_column"] == "gloss"
    assert report["choice"]["label_column"] == "category"
    assert sum(report["class_counts"].values()) == report["rows_used"]


def test_generate_train_generate_and_eval_on_txt(small_corpus, tmp_path):
    out = tmp_path / "gen"
    summary = json.loads(
        run("train", small_corpus, "--task", "generate", "--out", out, "--max-time", "5", "--compile", "off", "--json").stdout
    )
    assert {"val_loss", "perplexity", "bits_per_char"} <= set(summary)
    text = json.loads(run("generate", out, "--prompt", "And God", "--max-tokens", "40", "--seed", "1", "--json").stdout)["text"]
    assert 0 < len(text) <= 40
    again = json.loads(run("generate", out, "--prompt", "And God", "--max-tokens", "40", "--seed", "1", "--json").stdout)["text"]
    assert again == text  # a seed makes it repeatable
    streamed = run("generate", out, "--prompt", "And God", "--max-tokens", "40", "--seed", "1").stdout
    assert streamed == "And God" + text + "\n"
    scored = json.loads(run("eval", out, small_corpus, "--json").stdout)
    assert scored["bits_per_char"] > 0 and scored["perplexity"] > 1


@pytest.mark.parametrize(
    "content,expected",
    [
        (b"", "empty"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "png picture"),
        (b"text,label\nI loved it,pos\nI hated it,neg\n", "'pos' needs 2 more examples"),
        (b'[{"text": "a", "label": "b"}]', "is a json file"),
    ],
)
def test_bad_input_exits_2_with_a_plain_message(tmp_path, content, expected):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    proc = run("train", path, "--out", tmp_path / "m", check=False)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert expected in proc.stderr.lower()


def test_missing_file_and_missing_model_exit_2(tmp_path):
    proc = run("inspect", tmp_path / "nope.csv", check=False)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    proc = run("predict", tmp_path / "no-model", "hello", "--json", check=False)
    assert proc.returncode == 2
    assert "error" in json.loads(proc.stdout)


def test_predict_with_a_generate_model_is_refused(tmp_path, small_corpus):
    out = tmp_path / "gen"
    run("train", small_corpus, "--task", "generate", "--out", out, "--max-time", "2")
    proc = run("predict", out, "hello", check=False)
    assert proc.returncode == 2 and "generate" in proc.stderr


def test_help_without_command_when_no_screen():
    proc = subprocess.run(
        [sys.executable, "-m", "tinystudio.cli", "--help"], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0 and "train" in proc.stdout and "inspect" in proc.stdout


def test_headless_demo_trains_both_tasks_and_answers(tmp_path):
    """What `bash scripts/run.sh` runs on a machine without a screen."""
    proc = run("demo", "--max-time", "8", "--out", tmp_path)
    assert "accuracy" in proc.stdout and "bits per character" in proc.stdout
    assert "And the LORD said" in proc.stdout
    assert (tmp_path / "classify" / "model.safetensors").is_file()
    assert (tmp_path / "generate" / "model.safetensors").is_file()


def test_train_and_inspect_read_the_sheet_asked_for(tmp_path, small_classify_csv):
    """--sheet picks a workbook's sheet by name or number; a wrong name lists the sheets."""
    import csv

    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.title = "Notes"
    wb.active.append(["nothing to see here"])
    ws = wb.create_sheet("Topics")
    with open(small_classify_csv, encoding="utf-8", newline="") as f:
        for row in list(csv.reader(f))[:301]:
            ws.append(row)
    book = tmp_path / "topics.xlsx"
    wb.save(book)
    out = json.loads(run("inspect", book, "--sheet", "1", "--json").stdout)
    assert out["format"]["sheet"] == "Topics" and out["rows_used"] == 300
    proc = run("inspect", book, "--sheet", "Nope", check=False)
    assert proc.returncode == 2 and "'Notes', 'Topics'" in proc.stderr
    proc = run("train", book, "--sheet", "Topics", "--out", tmp_path / "m", "--preset", "tiny",
               "--epochs", "1", "--json")
    trained = json.loads(proc.stdout)
    assert trained["n"] > 0
    # The model remembers its sheet: eval on the same workbook scores the same test split.
    scored = json.loads(run("eval", tmp_path / "m", book, "--json").stdout)
    assert scored["scored"] == "test split of the training file" and scored["n"] == trained["n"]
