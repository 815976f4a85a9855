# Baseline for the UMAP benchmark: R uwot's umap on a CSV, single-threaded and seeded, in a
# fresh process.
#
#   Rscript test/bench/umap_uwot.R DATA.csv OUT.csv [SEED] [N_NEIGHBORS] [MIN_DIST] [INIT]
#
# DATA.csv has a header row; its numeric columns are the data (other columns are dropped).
# Defaults: SEED 42, N_NEIGHBORS 15, MIN_DIST 0.1 (umap-learn's default; uwot's own is 0.01),
# INIT "spectral". Everything else is uwot's default: n_epochs 500 up to 10,000 rows and 200
# beyond, a and b fitted from spread = 1 and MIN_DIST, exact neighbours (FNN) below 4,096 rows
# and Annoy (50 trees) from there, PCG random numbers. n_threads = 1 and n_sgd_threads = 0: one
# thread throughout, so that a seed gives the same embedding.
#
# Times umap() only (proc.time: user + system of this process), writes the embedding as CSV
# (columns x1, x2, ...), and prints one JSON line: the fit's CPU and wall seconds, the CPU
# seconds of the whole process, its peak RSS in MB (VmHWM), the shape and the package version.
suppressPackageStartupMessages(library(uwot))
a <- commandArgs(trailingOnly = TRUE)
if (length(a) < 2) {
  stop("usage: Rscript umap_uwot.R DATA.csv OUT.csv [SEED] [N_NEIGHBORS] [MIN_DIST] [INIT]")
}
seed <- if (length(a) >= 3) as.integer(a[3]) else 42L
n_neighbors <- if (length(a) >= 4) as.integer(a[4]) else 15L
min_dist <- if (length(a) >= 5) as.numeric(a[5]) else 0.1
init <- if (length(a) >= 6) a[6] else "spectral"
df <- read.csv(a[1], check.names = FALSE)
x <- as.matrix(df[, vapply(df, is.numeric, logical(1)), drop = FALSE])
storage.mode(x) <- "double"
invisible(gc())
set.seed(seed)
t0 <- proc.time()
emb <- umap(
  x,
  n_neighbors = n_neighbors, min_dist = min_dist, init = init,
  n_threads = 1, n_sgd_threads = 0, verbose = FALSE
)
t1 <- proc.time()
colnames(emb) <- paste0("x", seq_len(ncol(emb)))
write.csv(emb, a[2], row.names = FALSE)
status <- readLines("/proc/self/status")
hwm <- as.numeric(gsub("[^0-9]", "", grep("^VmHWM", status, value = TRUE))) / 1024
t2 <- proc.time()
cat(sprintf(
  '{"fit": %.4f, "fitWall": %.4f, "process": %.4f, "rssMB": %.1f, "rows": %d, "cols": %d, "version": "%s"}\n',
  (t1[1] + t1[2]) - (t0[1] + t0[2]), t1[3] - t0[3], t2[1] + t2[2], hwm, nrow(x), ncol(x),
  as.character(packageVersion("uwot"))
))
