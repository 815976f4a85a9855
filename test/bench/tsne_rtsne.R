# Baseline for the t-SNE benchmark: R Rtsne's Barnes-Hut t-SNE on a CSV, single-threaded and
# seeded, in a fresh process.
#
#   Rscript test/bench/tsne_rtsne.R DATA.csv OUT.csv [SEED] [PERPLEXITY] [PCA]
#
# DATA.csv has a header row; its numeric columns are the data (other columns are dropped).
# Defaults: SEED 42, PERPLEXITY 30, PCA FALSE. With PCA FALSE, Rtsne runs on the columns as they
# are (its default, TRUE, first projects them on 50 principal components), so that both engines
# see the same input. Everything else is Rtsne's default: theta 0.5, max_iter 1000,
# exaggeration 12 for 250 iterations, eta 200, momentum 0.5 then 0.8, a random start
# (N(0, 1e-4^2) from R's generator after set.seed), normalize = TRUE (columns centred, the
# whole matrix divided by its largest absolute value), num_threads = 1.
#
# Times Rtsne() only (proc.time: user + system of this process), writes the embedding as CSV
# (columns x1, x2), and prints one JSON line: the fit's CPU and wall seconds, the CPU seconds of
# the whole process, its peak RSS in MB (VmHWM), the shape, the last KL divergence Rtsne
# reports (itercosts, Barnes-Hut estimate) and the package version.
suppressPackageStartupMessages(library(Rtsne))
a <- commandArgs(trailingOnly = TRUE)
if (length(a) < 2) {
  stop("usage: Rscript tsne_rtsne.R DATA.csv OUT.csv [SEED] [PERPLEXITY] [PCA]")
}
seed <- if (length(a) >= 3) as.integer(a[3]) else 42L
perplexity <- if (length(a) >= 4) as.numeric(a[4]) else 30
use_pca <- if (length(a) >= 5) as.logical(a[5]) else FALSE
df <- read.csv(a[1], check.names = FALSE)
x <- as.matrix(df[, vapply(df, is.numeric, logical(1)), drop = FALSE])
storage.mode(x) <- "double"
invisible(gc())
set.seed(seed)
t0 <- proc.time()
fit <- Rtsne(
  x,
  dims = 2, perplexity = perplexity, theta = 0.5, pca = use_pca, check_duplicates = FALSE,
  num_threads = 1, verbose = FALSE
)
t1 <- proc.time()
emb <- fit$Y
colnames(emb) <- paste0("x", seq_len(ncol(emb)))
write.csv(emb, a[2], row.names = FALSE)
status <- readLines("/proc/self/status")
hwm <- as.numeric(gsub("[^0-9]", "", grep("^VmHWM", status, value = TRUE))) / 1024
t2 <- proc.time()
cat(sprintf(
  '{"fit": %.4f, "fitWall": %.4f, "process": %.4f, "rssMB": %.1f, "rows": %d, "cols": %d, "kl": %.6f, "version": "%s"}\n',
  (t1[1] + t1[2]) - (t0[1] + t0[2]), t1[3] - t0[3], t2[1] + t2[2], hwm, nrow(x), ncol(x),
  fit$itercosts[length(fit$itercosts)], as.character(packageVersion("Rtsne"))
))
