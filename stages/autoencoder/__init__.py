"""Project 1: the dense MNIST autoencoder at several latent sizes, side by side (model file: stages.mnist)."""
from stages.paths import BASELINES, METRICS, PLOTS, TRAINING_LOGS

# One file per latent size, latent_<N>.json, with the same keys as the baseline's pca_<N>.json.
METRICS_DIR = METRICS / "autoencoder"
# PCA at each latent size, pca_<N>.json, and the probe of raw pixels, pixels.json (stage baseline_autoencoder).
BASELINE_METRICS = METRICS / "autoencoder_baseline"
# PCA's reconstructions of the digits the reconstructions picture shows, one array per latent size.
BASELINE_PICTURES = BASELINES / "autoencoder.npz"
PLOTS_DIR = PLOTS / "autoencoder"
# Every latent size's DVCLive training curves in one table (stage curves_autoencoder), in git like the other plot data.
TRAINING_CURVES = PLOTS / "autoencoder_training.csv"


def training_log(latent_size):
    return TRAINING_LOGS / "autoencoder" / f"latent_{latent_size}"
