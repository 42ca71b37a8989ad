"""Train/validation/test splits: stratified for classify, in file order for generate."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tinystudio.core.data import Splits, contiguous_split, stratified_split
from tinystudio.core.errors import ConfigError


def _labels() -> list[int]:
    # 3 classes: 600 / 300 / 100 rows, in blocks (as in a file sorted by label).
    return [0] * 600 + [1] * 300 + [2] * 100


def test_stratified_keeps_class_proportions():
    labels = _labels()
    splits = stratified_split(labels, seed=1, val_fraction=0.1, test_fraction=0.2)
    assert (len(splits.train), len(splits.val), len(splits.test)) == (700, 100, 200)
    for part, size in ((splits.val, 100), (splits.test, 200)):
        counts = Counter(labels[i] for i in part)
        assert counts == {0: size * 6 // 10, 1: size * 3 // 10, 2: size // 10}


def test_stratified_is_deterministic_and_seed_dependent():
    labels = _labels()
    assert stratified_split(labels, 7, 0.1, 0.1) == stratified_split(labels, 7, 0.1, 0.1)
    assert stratified_split(labels, 7, 0.1, 0.1).test != stratified_split(labels, 8, 0.1, 0.1).test


def test_stratified_parts_are_disjoint_sorted_and_complete():
    labels = _labels()
    s = stratified_split(labels, 0, 0.1, 0.1)
    assert set(s.train).isdisjoint(s.val) and set(s.train).isdisjoint(s.test)
    assert set(s.val).isdisjoint(s.test)
    assert sorted(s.train + s.val + s.test) == list(range(len(labels)))
    assert list(s.train) == sorted(s.train)


def test_tiny_classes():
    labels = [0] * 50 + [1] * 50 + [2] + [3] * 2 + [4] * 3
    s = stratified_split(labels, 0, 0.1, 0.1)
    in_train = Counter(labels[i] for i in s.train)
    assert in_train[2] == 1  # a single example cannot be tested: train only
    assert all(in_train[c] >= 1 for c in range(5))


@settings(max_examples=60, deadline=None, database=None)
@given(
    labels=st.lists(st.integers(0, 6), min_size=0, max_size=300),
    seed=st.integers(0, 2**32 - 1),
    val=st.sampled_from([0.0, 0.05, 0.1, 0.2]),
    test=st.sampled_from([0.0, 0.1, 0.25]),
)
def test_split_properties(labels, seed, val, test):
    s = stratified_split(labels, seed, val, test)
    assert sorted(s.train + s.val + s.test) == list(range(len(labels)))
    counts = Counter(labels)
    in_train = Counter(labels[i] for i in s.train)
    assert all(in_train[c] >= 1 for c in counts)  # every label is trained on
    if len(labels) >= 20 and test:
        assert abs(len(s.test) - round(len(labels) * test)) <= 1
    assert s == stratified_split(labels, seed, val, test)


def test_contiguous_split_is_in_file_order():
    s = contiguous_split(100, 0.1, 0.1)
    assert s == Splits(tuple(range(80)), tuple(range(80, 90)), tuple(range(90, 100)))
    assert contiguous_split(5, 0.1, 0.1) == Splits((0, 1, 2), (3,), (4,))
    assert contiguous_split(2, 0.1, 0.1) == Splits((0, 1), (), ())


@pytest.mark.parametrize(("val", "test"), [(0.5, 0.5), (-0.1, 0.1), (0.1, 1.0)])
def test_impossible_fractions(val, test):
    with pytest.raises(ConfigError) as err:
        stratified_split([0, 1] * 10, 0, val, test)
    assert err.value.code == "bad_split_fractions"
