"""scikit-learn baseline of test/bench/compress.ts (run by it; one implementation per process).

    /usr/bin/python3 test/bench/compress_sklearn.py DATA.u8 SIDE K1,K2,... one-fit|per-k REPS

Reads the raw side x side gray image written by compress.ts (not timed), then REPS times: cuts it
into 8 x 8 tiles (row-major tile order, each tile row-major), and
- one-fit: PCA(max k, svd_solver='full').fit(tiles), the scores once, and for every k the
  reconstruction scores[:, :k] @ components[:k] + mean, put back in the image's layout, and its
  mse;
- per-k: for every k, PCA(k, svd_solver='full').fit(tiles) and
  inverse_transform(transform(tiles)), put back in the image's layout, and its mse.
Prints one JSON line in the format of compress.ts: CPU (time.process_time: user + system) and
wall milliseconds per run, the psnr of each k, peak RSS (VmHWM, MB). compress.ts sets
OMP_NUM_THREADS / OPENBLAS_NUM_THREADS to 1.
"""
import gc
import json
import sys
import time

import numpy as np
from sklearn.decomposition import PCA

B = 8


def peak_mb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def tiles_of(img):
    s = img.shape[0]
    t = s // B
    return img.reshape(t, B, t, B).transpose(0, 2, 1, 3).reshape(t * t, B * B)


def untile(rows, s):
    t = s // B
    return rows.reshape(t, t, B, B).transpose(0, 2, 1, 3).reshape(s, s)


def run(img, ks, mode):
    s = img.shape[0]
    tiles = tiles_of(img)
    out = []
    if mode == "one-fit":
        p = PCA(max(ks), svd_solver="full").fit(tiles)
        scores = p.transform(tiles)
        for k in ks:
            rec = untile(scores[:, :k] @ p.components_[:k] + p.mean_, s)
            out.append((rec, float(np.mean((img - rec) ** 2))))
    else:
        for k in ks:
            p = PCA(k, svd_solver="full").fit(tiles)
            rec = untile(p.inverse_transform(p.transform(tiles)), s)
            out.append((rec, float(np.mean((img - rec) ** 2))))
    return [10 * np.log10(255.0 ** 2 / mse) for _, mse in out]


def main():
    path, side, ks, mode, reps = sys.argv[1:6]
    side = int(side)
    ks = [int(k) for k in ks.split(",")]
    img = np.fromfile(path, dtype=np.uint8).reshape(side, side).astype(np.float64)
    cpu, wall, psnr = [], [], []
    for r in range(int(reps)):
        gc.collect()
        c0, w0 = time.process_time(), time.perf_counter()
        p = run(img, ks, mode)
        cpu.append((time.process_time() - c0) * 1000)
        wall.append((time.perf_counter() - w0) * 1000)
        if r == 0:
            psnr = p
    print(json.dumps({
        "impl": "sklearn " + ("one fit" if mode == "one-fit" else "per k"),
        "cpuMs": cpu, "wallMs": wall, "peakMB": peak_mb(), "firstCpuMs": cpu[0], "psnr": psnr,
    }))


main()
