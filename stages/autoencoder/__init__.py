"""Project 1: the dense MNIST autoencoder at several latent sizes, side by side (model file: stages.mnist)."""
from stages.paths import BASELINES, METRICS, PLOTS, TRAINING_LOGS

METRICS_FILE = METRICS / "autoencoder.json"
# PCA at each latent size and the probe of raw pixels (stage baseline_autoencoder).
BASELINE_METRICS = METRICS / "autoencoder_baseline.json"
# PCA's reconstructions of the digits the reconstructions picture shows, one array per latent size.
BASELINE_PICTURES = BASELINES / "autoencoder.npz"
PLOTS_DIR = PLOTS / "autoencoder"


def training_log(latent_size):
    return TRAINING_LOGS / "autoencoder" / f"latent_{latent_size}"
