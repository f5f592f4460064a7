"""params.yaml `autoencoder.model`: the network both MNIST projects train, read by the trainers and
validated by the autoencoder's evaluation, which does not need the model code itself."""
from typing import Literal

from stages.params import Section


class AutoencoderModel(Section):
    """Shared by the denoiser, so that its baseline is the same network."""

    encoder_activation: Literal["linear", "relu"]
