"""Project 2: the denoising autoencoder, trained noisy -> clean and compared with the plain autoencoder."""
from stages.paths import METRICS, MODELS, PLOTS, PROCESSED, TRAINING_LOGS

# The processed digits with seeded Gaussian noise: same splits and layout as stages.mnist.DIGITS.
NOISY_DIGITS = PROCESSED / "mnist_noisy"
MODEL = MODELS / "denoiser.keras"
MODEL_STAGE = "train_denoiser"
TRAINING_LOG = TRAINING_LOGS / "denoiser"
METRICS_FILE = METRICS / "denoiser.json"
PLOTS_DIR = PLOTS / "denoiser"
