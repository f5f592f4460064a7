"""Project 2: the denoising autoencoder, trained noisy -> clean and compared with the plain autoencoder."""
from stages.paths import BASELINES, METRICS, MODELS, PLOTS, PROCESSED, TRAINING_LOGS

# The processed digits with seeded Gaussian noise: same splits and layout as stages.mnist.DIGITS.
NOISY_DIGITS = PROCESSED / "mnist_noisy"
MODEL = MODELS / "denoiser.keras"
MODEL_STAGE = "train_denoiser"
TRAINING_LOG = TRAINING_LOGS / "denoiser"
METRICS_FILE = METRICS / "denoiser.json"
PLOTS_DIR = PLOTS / "denoiser"
# The classical filters (stage baseline_denoiser): the best one's metrics (every filter's are a plot),
# and its name, robustness curve and output for the digits the denoising picture shows.
BASELINE_METRICS = METRICS / "denoiser_baseline.json"
BASELINE_CURVE = BASELINES / "denoiser.npz"
# Every filter with its chosen parameter, validation and test scores (a plot).
FILTERS_TABLE = PLOTS_DIR / "filters.csv"
