"""Write examples/data/digits.npz: scikit-learn's 8x8 handwritten digits, split once for the example.

Run once (needs scikit-learn, which ships the data; nothing downloads it):

    pip install scikit-learn && python tools/make_digits_npz.py

Source: ``sklearn.datasets.load_digits`` -- the test set of the UCI "Optical Recognition of
Handwritten Digits" data (Alpaydin & Kaynak, 1998): 1797 images, 8x8 pixels with values 0..16,
labels 0..9. scikit-learn is BSD-3-Clause; the UCI data set is licensed CC BY 4.0.

Split: stratified by class, 80 % train / 20 % test, shuffled with numpy's
``RandomState(20200327)`` (per class: permute the indices, the first round(0.2 * n) go to test).
Pixels are stored as uint8 (0..16) and labels as uint8, compressed.
"""
import os

import numpy as np

SEED = 20200327
TEST_FRACTION = 0.2


def main():
    from sklearn.datasets import load_digits  # pylint: disable=import-outside-toplevel
    import sklearn  # pylint: disable=import-outside-toplevel
    digits = load_digits()
    images = digits.images.astype(np.uint8)  # (1797, 8, 8), 0..16
    labels = digits.target.astype(np.uint8)
    rng = np.random.RandomState(SEED)
    train_idx, test_idx = [], []
    for c in range(10):
        idx = rng.permutation(np.flatnonzero(labels == c))
        n_test = int(round(TEST_FRACTION * len(idx)))
        test_idx.extend(idx[:n_test])
        train_idx.extend(idx[n_test:])
    train_idx = rng.permutation(np.array(train_idx))
    test_idx = rng.permutation(np.array(test_idx))
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "examples", "data", "digits.npz")
    np.savez_compressed(out, x_train=images[train_idx], y_train=labels[train_idx],
                        x_test=images[test_idx], y_test=labels[test_idx])
    print(f"scikit-learn {sklearn.__version__}: wrote {os.path.normpath(out)} "
          f"({len(train_idx)} train, {len(test_idx)} test, {os.path.getsize(out)} bytes)")


if __name__ == "__main__":
    main()
