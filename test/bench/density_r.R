# Baseline for test/bench/density.ts: R dbscan's hdbscan on the same data, in a fresh process.
#
#   Rscript test/bench/density_r.R DATA.f64 N D MINPTS LABELS.i32 SCORES.f64
#
# DATA.f64 is N x D little-endian doubles, row-major (written by density.ts). Times the fit only
# (proc.time: user + system of this process), then writes the cluster of each row (R's numbering,
# 0 = noise) as int32 and the GLOSH outlier scores as doubles, so that density.ts can compare
# them with clusterlens' result. Prints one JSON line: the fit's CPU and wall seconds, the CPU
# seconds of the whole process, its peak RSS in MB (VmHWM) and the package version.
suppressPackageStartupMessages(library(dbscan))
a <- commandArgs(trailingOnly = TRUE)
n <- as.integer(a[2])
d <- as.integer(a[3])
minPts <- as.integer(a[4])
con <- file(a[1], "rb")
x <- matrix(readBin(con, "double", n * d, size = 8, endian = "little"), nrow = n, byrow = TRUE)
close(con)
invisible(gc())
t0 <- proc.time()
fit <- hdbscan(x, minPts = minPts)
t1 <- proc.time()
con <- file(a[5], "wb")
writeBin(as.integer(fit$cluster), con, size = 4, endian = "little")
close(con)
con <- file(a[6], "wb")
writeBin(as.double(fit$outlier_scores), con, size = 8, endian = "little")
close(con)
status <- readLines("/proc/self/status")
hwm <- as.numeric(gsub("[^0-9]", "", grep("^VmHWM", status, value = TRUE))) / 1024
t2 <- proc.time()
cat(sprintf(
  '{"fit": %.4f, "fitWall": %.4f, "process": %.4f, "rssMB": %.1f, "version": "%s"}\n',
  (t1[1] + t1[2]) - (t0[1] + t0[2]), t1[3] - t0[3], t2[1] + t2[2], hwm,
  as.character(packageVersion("dbscan"))
))
