"""The quick model behind labelling: a fastText-style linear classifier over n-gram bags.

It is the fastText idea (a linear layer over averaged word and sub-word n-grams) trained to
the optimum in one go: multinomial logistic regression with an L2 penalty, fitted by L-BFGS
on the whole (small) set of labelled rows. On a few hundred labels this takes a fraction of
a second, which is what lets the app retrain every few answers and cross-validate each time.

:func:`cross_val_proba` gives out-of-fold probabilities (each row predicted by a model that
never saw it): the accuracy estimate of the Label tab and the raw material of label review.
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from tinystudio.i18n import tr

from .features import Rows

#: Inverse strength of the L2 penalty, as scikit-learn's ``C`` (loss summed over rows + |W|²/2).
#: On the WordNet topics sample (C in 1, 3, 10, 30; 50 to 2000 labels) 10 and 30 were within a
#: point of each other and 2-7 points above 1 and 3.
DEFAULT_C = 10.0
#: L-BFGS iterations at most; the fit has converged well before on a few hundred rows.
MAX_ITER = 100
#: Folds of the cross-validation (fewer when there are fewer rows).
FOLDS = 5


@dataclass
class QuickModel:
    """Weights over the feature ids seen in training (others weigh nothing)."""

    features: np.ndarray  # (F,) the global feature ids that have a weight
    weights: np.ndarray  # (F, C) float32
    bias: np.ndarray  # (C,) float32
    classes: np.ndarray  # (C,) the label ids this model can predict

    def scores(self, rows: Rows) -> np.ndarray:
        """(n, C) raw scores."""
        n = len(rows)
        out = np.tile(self.bias, (n, 1)).astype(np.float32)
        if n == 0 or len(rows.indices) == 0:
            return out
        pos = np.searchsorted(self.features, rows.indices)
        pos = np.minimum(pos, len(self.features) - 1)
        known = self.features[pos] == rows.indices
        r = rows.row_ids()[known]
        contrib = self.weights[pos[known]] * rows.values[known, None]  # (nnz_known, C)
        _add_rows(out, r, contrib)
        return out

    def predict_proba(self, rows: Rows, n_labels: int) -> np.ndarray:
        """(n, n_labels) probabilities; labels the model never saw get 0."""
        s = self.scores(rows)
        s -= s.max(axis=1, keepdims=True)
        p = np.exp(s)
        p /= p.sum(axis=1, keepdims=True)
        full = np.zeros((len(rows), n_labels), dtype=np.float32)
        full[:, self.classes] = p
        return full


def _add_rows(out: np.ndarray, r: np.ndarray, contrib: np.ndarray) -> None:
    for c in range(out.shape[1]):
        out[:, c] += np.bincount(r, weights=contrib[:, c], minlength=len(out)).astype(np.float32)


def fit(rows: Rows, y: Sequence[int], *, c: float = DEFAULT_C, max_iter: int = MAX_ITER) -> QuickModel:
    """Fit on ``rows`` (CSR) with label ids ``y``. One class only: a model that always says it."""
    y = np.asarray(y, dtype=np.int64)
    classes, y_local = np.unique(y, return_inverse=True)
    n, k = len(y), len(classes)
    used, compact = np.unique(rows.indices, return_inverse=True)
    if k < 2 or n == 0:
        return QuickModel(used, np.zeros((len(used), max(k, 1)), np.float32),
                          np.zeros(max(k, 1), np.float32), classes)  # fmt: skip
    with one_torch_thread():
        w, b = _fit_torch(rows, compact, len(used), y_local, k, c, max_iter)
    return QuickModel(used, w, b, classes)


@contextlib.contextmanager
def one_torch_thread():
    """Run torch on one thread for these small sparse products.

    On a busy 2-core machine, torch's threads made a fit 2-3x slower (and numpy's BLAS
    threads 10-30x). OpenMP keeps the thread count per thread, so this does not slow a
    training run going on in another worker thread.
    """
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def _fit_torch(rows: Rows, compact: np.ndarray, n_feat: int, y_local: np.ndarray, k: int,
               c: float, max_iter: int) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    import torch

    n = len(y_local)
    with torch.sparse.check_sparse_tensor_invariants(False), torch.no_grad():
        x = torch.sparse_coo_tensor(
            torch.from_numpy(np.vstack([rows.row_ids(), compact])),
            torch.from_numpy(rows.values),
            size=(n, n_feat),
        ).coalesce()
        # Gradients by hand with X and its transpose in CSR: autograd through a sparse
        # product was 25x slower than the product itself.
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", "Sparse CSR tensor support is in beta")
            xc, xt = x.to_sparse_csr(), x.t().coalesce().to_sparse_csr()
        onehot = torch.nn.functional.one_hot(torch.from_numpy(y_local), k).float()
        penalty = 0.5 / (c * n)  # sklearn's objective divided by n: a mean loss

        def loss_and_grad(theta: torch.Tensor):
            w, b = theta[: n_feat * k].view(n_feat, k), theta[n_feat * k :]
            logp = torch.log_softmax(xc @ w + b, dim=1)  # (n, k)
            loss = -(onehot * logp).sum() / n + penalty * (w * w).sum()
            g = (logp.exp() - onehot) / n
            return float(loss), torch.cat([(xt @ g + 2 * penalty * w).view(-1), g.sum(0)])

        theta = _lbfgs(loss_and_grad, torch.zeros(n_feat * k + k), max_iter)
        return theta[: n_feat * k].view(n_feat, k).numpy().copy(), theta[n_feat * k :].numpy().copy()


def _lbfgs(fun, x, max_iter: int, history: int = 10, tol: float = 1e-5):
    """Minimise ``fun(x) -> (loss, grad)`` by L-BFGS with a backtracking (Armijo) line search.

    Written out (≈35 lines) because torch's optimiser takes about a second to create the
    first time (it loads compiler parts), which a user would feel on the first retrain.
    """
    loss, g = fun(x)
    s_hist: list = []
    y_hist: list = []
    for _ in range(max_iter):
        if float(g.abs().max()) < tol:
            break
        q = g.clone()  # two-loop recursion: d = -H g
        alphas = []
        for s, yv in zip(reversed(s_hist), reversed(y_hist)):
            a = float(s @ q) / float(yv @ s)
            alphas.append(a)
            q -= a * yv
        if s_hist:
            q *= float(s_hist[-1] @ y_hist[-1]) / float(y_hist[-1] @ y_hist[-1])
        for (s, yv), a in zip(zip(s_hist, y_hist), reversed(alphas)):
            q += (a - float(yv @ q) / float(yv @ s)) * s
        d = -q
        slope = float(g @ d)
        if slope >= 0:  # not a descent direction: restart from the gradient
            s_hist.clear()
            y_hist.clear()
            d, slope = -g, -float(g @ g)
        step = 1.0 if s_hist else min(1.0, 1.0 / max(float(g.abs().sum()), 1e-12))
        for _ in range(30):
            x_new = x + step * d
            loss_new, g_new = fun(x_new)
            if loss_new <= loss + 1e-4 * step * slope:
                break
            step *= 0.5
        else:
            break
        s, yv = x_new - x, g_new - g
        if float(s @ yv) > 1e-12:
            s_hist.append(s)
            y_hist.append(yv)
            if len(s_hist) > history:
                s_hist.pop(0)
                y_hist.pop(0)
        done = abs(loss - loss_new) <= 1e-8 * max(1.0, abs(loss))
        x, loss, g = x_new, loss_new, g_new
        if done:
            break
    return x


def fold_ids(y: Sequence[int], folds: int = FOLDS, seed: int = 0) -> np.ndarray:
    """A fold number for each row, spreading every label evenly over the folds."""
    y = np.asarray(y)
    rng = np.random.default_rng(seed)
    out = np.zeros(len(y), dtype=np.int64)
    start = 0
    for label in np.unique(y):
        idx = np.flatnonzero(y == label)
        rng.shuffle(idx)
        out[idx] = (np.arange(len(idx)) + start) % folds
        start += len(idx)  # the next label continues where this one stopped
    return out


def cross_val_proba(
    rows: Rows,
    y: Sequence[int],
    n_labels: int,
    *,
    folds: int = FOLDS,
    seed: int = 0,
    train_fraction: float = 1.0,
    should_stop: Callable[[], bool] | None = None,
) -> np.ndarray:
    """Out-of-fold probabilities (n, n_labels): each row scored by a model trained without it.

    ``train_fraction`` < 1 trains each fold on that share of its training rows (to see how
    accuracy grows with more labels).
    """
    y = np.asarray(y, dtype=np.int64)
    folds = max(2, min(folds, len(y)))
    fid = fold_ids(y, folds, seed)
    rng = np.random.default_rng(seed + 1)
    out = np.zeros((len(y), n_labels), dtype=np.float32)
    for f in range(folds):
        if should_stop is not None and should_stop():
            from ..errors import CancelledError

            raise CancelledError(tr("Stopped."), code="cancelled")
        test = np.flatnonzero(fid == f)
        train = np.flatnonzero(fid != f)
        if train_fraction < 1.0:
            keep = max(1, int(round(len(train) * train_fraction)))
            train = np.sort(rng.choice(train, keep, replace=False))
        if len(test) == 0 or len(train) == 0:
            continue
        model = fit(rows.take(train), y[train])
        out[test] = model.predict_proba(rows.take(test), n_labels)
    return out
