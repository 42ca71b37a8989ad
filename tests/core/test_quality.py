"""Quality checks on the bundled samples against simple baselines fitted in the same test.

These train real models (about a minute in all); they guard the defaults a user gets.
"""

import collections
import math

import pytest

from tinystudio.core.data import load_dataset
from tinystudio.core.pipeline import score_split
from tinystudio.core.training.config import TrainConfig
from tinystudio.core.training.loop import train

pytestmark = pytest.mark.slow


def test_default_classifier_is_within_two_points_of_tfidf_logistic_regression(classify_sample):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    data = load_dataset(classify_sample, task="classify", seed=0)
    tr, te = data.splits.train, data.splits.test
    vec = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)
    x_train = vec.fit_transform([data.texts[i] for i in tr])
    clf = LogisticRegression(C=10, max_iter=2000).fit(x_train, [data.labels[i] for i in tr])
    predicted = clf.predict(vec.transform([data.texts[i] for i in te]))
    baseline = sum(int(p == data.labels[i]) for p, i in zip(predicted, te)) / len(te)

    result = train(TrainConfig(task="classify", checkpoint_every=0), data)  # all defaults
    ours = score_split(result.model, data, "test")["accuracy"]
    print(f"default classifier {ours:.3f} vs TF-IDF+LR {baseline:.3f} in {result.seconds:.1f}s")
    assert ours >= baseline - 0.02


def test_generate_model_beats_a_character_bigram_model(generate_sample):
    data = load_dataset(generate_sample, task="generate", seed=0)
    train_text = "".join(data.texts[i] + "\n" for i in data.splits.train)
    test_text = "".join(data.texts[i] + "\n" for i in data.splits.test)
    # Character bigram with add-one smoothing, fitted on the training split.
    vocab = len(set(train_text)) + 1
    pairs = collections.Counter(zip(train_text, train_text[1:]))
    firsts = collections.Counter(train_text[:-1])
    bits = -sum(
        math.log2((pairs[(a, b)] + 1) / (firsts[a] + vocab)) for a, b in zip(test_text, test_text[1:])
    )
    bigram_bpc = bits / (len(test_text) - 1)

    result = train(TrainConfig(task="generate", max_time=45, epochs=100, checkpoint_every=0), data)
    ours = score_split(result.model, data, "test")["bits_per_char"]
    print(f"generate model {ours:.3f} bits/char vs bigram {bigram_bpc:.3f} after {result.steps} steps")
    assert ours < bigram_bpc
