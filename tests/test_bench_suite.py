"""The public benchmark suite's bookkeeping (bench/suite/): splits, manifest, parsing helpers.

Tiny synthetic data only: no download, no network, seconds.
"""

from __future__ import annotations

import csv
import importlib
import sys
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "bench" / "suite"))

M = importlib.import_module("manifest")
build = importlib.import_module("build")
bench_suite = importlib.import_module("bench_suite")


def test_stratified_split_is_fixed_disjoint_and_fair():
    labels = ["a"] * 50 + ["b"] * 30 + ["c"] * 2 + ["d"] * 10
    tr, va, te = M.stratified_split(labels, seed=0)
    assert (tr, va, te) == M.stratified_split(list(labels), seed=0)  # same seed, same split
    assert M.stratified_split(labels, seed=1) != (tr, va, te)
    assert sorted(tr + va + te) == list(range(len(labels)))  # disjoint, covers every row
    assert Counter(labels[i] for i in te) == {"a": 5, "b": 3, "d": 1}
    assert Counter(labels[i] for i in va) == {"a": 5, "b": 3, "d": 1}
    assert {labels[i] for i in tr} == {"a", "b", "c", "d"}  # a 2-row class stays in train


def test_contiguous_split_keeps_file_order():
    tr, va, te = M.contiguous_split(100)
    assert tr == list(range(80)) and va == list(range(80, 90)) and te == list(range(90, 100))


def test_manifest_covers_what_issue_14_asks():
    cls = [s for s in M.SETS if s.task == "classify"]
    gen = [s for s in M.SETS if s.task == "generate"]
    assert len(cls) >= 12 and len(gen) >= 5
    assert len({s.name for s in M.SETS}) == len(M.SETS)
    for part in M.PARTS:
        assert sum(s.part == part for s in cls) >= 4 and sum(s.part == part for s in gen) >= 2
    scripts = {s.script for s in cls}
    assert {"Latin", "Cyrillic", "CJK (Chinese)", "CJK (Japanese)"} <= scripts
    assert {"topic", "language", "sentiment", "intent"} <= {s.kind for s in cls}
    assert all(p in M.PACKAGES for s in M.SETS for p in s.packages)
    assert not any(p.startswith(("fortune", "r-cran-janeaustenr", "r-cran-tm")) for p in M.PACKAGES)
    assert set(build.BUILDERS) == set(M.BY_NAME)


def test_select_by_part_task_and_name():
    assert all(s.part == "heldout" for s in M.select(part="heldout"))
    assert [s.name for s in M.select(["ru_man_section", "zh_man_section"])] == ["ru_man_section", "zh_man_section"]
    assert all(s.task == "generate" for s in M.select(task="generate"))
    with pytest.raises(SystemExit):
        M.select(["no_such_set"])


def test_man_to_text_keeps_words_and_drops_markup():
    raw = '.\\" a comment\n.TH LS 1\n.SH NAME\nls \\- list \\fBfiles\\fP\n.de XX\nhidden\n..\n.B "bold words"\n'
    assert build.man_to_text(raw) == "NAME\nls - list files\nbold words"


def test_dedupe_and_proportional_sample():
    rows = [("x", "a"), ("x", "a"), ("y", "a"), ("y", "b"), ("", "a"), ("z", "b")]
    assert build.dedupe(rows) == [("x", "a"), ("z", "b")]  # repeats, conflicts and blanks go
    many = [(f"t{i}", "big") for i in range(900)] + [(f"s{i}", "small") for i in range(100)]
    kept = build.proportional_sample(many, 100, min_per_class=20)
    assert kept == build.proportional_sample(many, 100, min_per_class=20)
    assert Counter(y for _, y in kept) == {"big": 90, "small": 20}


def test_budget_check_says_how_a_run_stopped():
    assert bench_suite._budget_check(59.0, 60, "time_up") == {
        "within_budget": True, "used_fraction": 0.983, "stopped_on": "time", "budget_ok": True}
    assert bench_suite._budget_check(20.0, 60, "early_stop")["budget_ok"] is True
    assert bench_suite._budget_check(20.0, 60, "no_improvement")["stopped_on"] == "validation"  # Auto's word
    assert bench_suite._budget_check(20.0, 60, "completed")["budget_ok"] is False  # stopped early on epochs
    assert bench_suite._budget_check(67.0, 60, "time_up")["budget_ok"] is False  # over budget + 10 %


def test_suite_split_reaches_tinystudios_dataset(tmp_path, monkeypatch):
    monkeypatch.setattr(M, "DATA_DIR", tmp_path)
    s = M.SuiteSet("tiny", "classify", "tune", "topic", "Latin", (), "synthetic")
    rows = [(f"{w} number {i}", w) for i in range(30) for w in ("apple", "pear")]
    with open(s.path, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([("text", "label"), *rows])
    data = bench_suite._suite_dataset(s)
    _, va, te = M.stratified_split([y for _, y in rows])
    assert [data.texts[i] for i in data.splits.test] == [rows[i][0] for i in te]
    assert [data.texts[i] for i in data.splits.val] == [rows[i][0] for i in va]
    assert len(data.splits.train) == len(rows) - len(va) - len(te)


def _row(name, gap_acc, gap_f1, imbalanced, part="tune"):
    ours = {"accuracy": 0.8 + gap_acc / 100, "macro_f1": 0.7 + gap_f1 / 100, "budget_ok": True}
    met = gap_acc >= -1 and (gap_f1 >= -1 or not imbalanced)
    return {"set": name, "task": "classify", "part": part, "imbalanced": imbalanced, "ours": ours,
            "gap_accuracy": gap_acc, "gap_macro_f1": gap_f1, "target_met": met,
            "gap_headline": gap_f1 if imbalanced else gap_acc}  # fmt: skip


def test_summary_judges_every_set_and_the_median():
    rows = [_row("a", 2.0, -3.0, False), _row("b", 0.5, -2.0, True), _row("c", 3.0, 4.0, True, "heldout")]
    s = bench_suite.summarise(rows)["classify"]
    assert s["sets_within_1_point"] == 2 and not s["every_set_within_1_point"]  # b: macro-F1 2 points below
    assert s["median_gap_points"] == 2.0 and s["median_at_least_plus_1"]  # headline gaps 2.0, -2.0, 4.0


def test_few_labels_are_judged_on_the_start_the_core_kept():
    point = {"scratch_accuracy": 0.60, "pretrained_accuracy": 0.50, "used": "scratch", "used_accuracy": 0.60}
    judged = bench_suite.judge_fewlabels(point)
    assert judged["never_hurts"] and judged["gain_points"] == 0.0 and judged["pretrained_gain_points"] == -10.0
    older = {"scratch_accuracy": 0.60, "pretrained_accuracy": 0.50}  # a core that always kept pre-training
    assert not bench_suite.judge_fewlabels(older)["never_hurts"]
