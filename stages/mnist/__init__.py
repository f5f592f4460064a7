"""MNIST digits, shared by the autoencoder and denoiser projects: their files and image geometry."""
from stages.paths import MODELS, PROCESSED, RAW

ARCHIVE = RAW / "mnist.npz"
# train.npz, validation.npz and test.npz, each x float32 (N, 784) in [0, 1] and y labels.
DIGITS = PROCESSED / "mnist"
SPLITS = ("train", "validation", "test")
IMAGE_SIDE = 28
PIXELS = IMAGE_SIDE * IMAGE_SIDE
CLASSES = 10


def autoencoder_model(latent_size):
    """The plain autoencoder of one latent size: the autoencoder project's output, the denoiser's baseline."""
    return MODELS / "autoencoder" / f"latent_{latent_size}.keras"


def autoencoder_stage(latent_size):
    """The DVC stage that trains autoencoder_model(latent_size)."""
    return f"train_autoencoder@{latent_size}"
