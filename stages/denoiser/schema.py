"""params.yaml `denoiser`: the model size, its training, and the noise levels of the robustness curve."""
from pydantic import Field

from stages.params import NonNegativeFloat, PositiveInt, Section, Training


class Denoiser(Section):
    latent_size: PositiveInt
    # Test-time noise levels of the robustness curve.
    robustness_stds: list[NonNegativeFloat] = Field(min_length=1)
    train: Training
