"""scikit-learn/scipy baseline of test/bench/report.ts for the 100k case: the analysis of the
report without its charts, on the same file and with the same sample sizes.

    /usr/bin/python3 test/bench/report_sklearn.py FILE.csv

StandardScaler -> KMeans(4, n_init=10, random_state=0) -> ward linkage of a 5000-row sample cut
into 4 -> PCA (all components) -> silhouette of a 5000-row sample. Prints the wall milliseconds
of that (reading the CSV included).
"""
import sys
import time

t0 = time.perf_counter()
import numpy as np
import pandas as pd
from scipy.cluster.hierarchy import fcluster, linkage
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA
from sklearn.metrics import silhouette_score
from sklearn.preprocessing import StandardScaler

df = pd.read_csv(sys.argv[1])
X = df.drop(columns=["id", "group"]).to_numpy(float)
Xs = StandardScaler().fit_transform(X)
km = KMeans(4, n_init=10, random_state=0).fit(Xs)
rng = np.random.RandomState(0)
sample = np.sort(rng.choice(len(Xs), 5000, replace=False))
fcluster(linkage(Xs[sample], "ward"), 4, "maxclust")
PCA().fit(Xs)
silhouette_score(Xs[sample], km.labels_[sample])
print(round((time.perf_counter() - t0) * 1000))
