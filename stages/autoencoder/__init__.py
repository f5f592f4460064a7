"""Project 1: the dense MNIST autoencoder at several latent sizes, side by side (model file: stages.mnist)."""
from stages.paths import METRICS, PLOTS, TRAINING_LOGS

METRICS_FILE = METRICS / "autoencoder.json"
PLOTS_DIR = PLOTS / "autoencoder"


def training_log(latent_size):
    return TRAINING_LOGS / "autoencoder" / f"latent_{latent_size}"
