"""Write the bundled datasets as CSV files with a header row and the label column kept.

iris and wine: scikit-learn 1.2.1's copies (sklearn/datasets/data/*.csv, Debian's python3-sklearn).
penguins: Palmer penguins (CC0) as shipped in vega-datasets 3.2.1 (data/penguins.json), with the
columns renamed to the palmerpenguins R package's names and the 2 rows that have no measurements
removed (342 rows remain; 'sex' keeps its 8 missing values as empty cells).

Usage: /usr/bin/python3 datasets/make_datasets.py /path/to/vega-datasets/data/penguins.json
"""
import csv
import json
import os
import sys

import sklearn
from sklearn.datasets import load_iris, load_wine

here = os.path.dirname(os.path.abspath(__file__))


def fmt(v):
    return repr(float(v)).removesuffix('.0') if float(v).is_integer() else repr(float(v))


def write_bunch(name, bunch, feature_names):
    with open(os.path.join(here, name + '.csv'), 'w', newline='') as f:
        w = csv.writer(f, lineterminator='\n')
        w.writerow(feature_names + ['species' if name == 'iris' else 'cultivar'])
        for row, t in zip(bunch.data, bunch.target):
            w.writerow([fmt(v) for v in row] + [bunch.target_names[t]])


iris = load_iris()
write_bunch('iris', iris, ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'])
wine = load_wine()
write_bunch('wine', wine, list(wine.feature_names))

names = {
    'Species': 'species', 'Island': 'island', 'Beak Length (mm)': 'bill_length_mm',
    'Beak Depth (mm)': 'bill_depth_mm', 'Flipper Length (mm)': 'flipper_length_mm',
    'Body Mass (g)': 'body_mass_g', 'Sex': 'sex',
}
rows = json.load(open(sys.argv[1]))
with open(os.path.join(here, 'penguins.csv'), 'w', newline='') as f:
    w = csv.writer(f, lineterminator='\n')
    w.writerow(list(names.values()))
    for r in rows:
        if r['Beak Length (mm)'] is None:
            continue
        w.writerow(['' if r[k] is None else (fmt(r[k]) if isinstance(r[k], (int, float)) else r[k])
                    for k in names])
print('sklearn', sklearn.__version__)
