"""Data of the neighbour-search benchmark (test/bench/knn.ts), written as raw float64 (row-major).

  /usr/bin/python3 test/bench/knn_data.py digits 20000 OUT.f64

digits: scikit-learn's 8x8 digits (1,797 x 64), each of the n rows a digit image drawn at random,
shifted by at most one pixel in each direction (zeros shifted in) plus Gaussian noise of standard
deviation 0.5: data with the structure of images, seeded.
"""
import sys

import numpy as np
from sklearn.datasets import load_digits

kind, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
rng = np.random.RandomState(0)
if kind != "digits":
    raise SystemExit("unknown data: " + kind)
images = load_digits().images
rows = np.empty((n, 64))
for r in range(n):
    img = images[rng.randint(len(images))]
    dy, dx = rng.randint(-1, 2, size=2)
    shifted = np.zeros((8, 8))
    ys, yd = (slice(max(dy, 0), 8 + min(dy, 0)), slice(max(-dy, 0), 8 + min(-dy, 0)))
    xs, xd = (slice(max(dx, 0), 8 + min(dx, 0)), slice(max(-dx, 0), 8 + min(-dx, 0)))
    shifted[ys, xs] = img[yd, xd]
    rows[r] = shifted.ravel() + rng.normal(0, 0.5, 64)
rows.astype("<f8").tofile(out)
