"""params.yaml loading and the shared schema pieces; each project defines its own sections beside its data code."""
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from stages.cli import StageError

PARAMS_FILE = Path("params.yaml")
# {section: its validated values} of every load() in this process: the params a training's backup is made from.
LOADED = {}

PositiveInt = Annotated[int, Field(gt=0)]
PositiveFloat = Annotated[float, Field(gt=0)]
NonNegativeFloat = Annotated[float, Field(ge=0)]
Fraction = Annotated[float, Field(gt=0, lt=1)]
Sha256 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]


def _distinct(values):
    if len(set(values)) != len(values):
        raise ValueError("values must be distinct")
    return values


# For lists whose items name stages or files (latent sizes, temperatures): a repeat is a typo.
Distinct = AfterValidator(_distinct)


class Section(BaseModel):
    # strict: "16" or true is not silently taken for a number; extra keys are typos.
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Source(Section):
    """Where a dataset comes from, tried in the order of `sources`."""

    sources: Annotated[list[Literal["mirror", "url", "fallback"]], Field(min_length=1), Distinct]
    url: str | None
    sha256: Sha256 | None
    seed: int = 0


class Distribution(Section):
    """How every trainer spreads over devices: `auto` mirrors over GPUs when more than one is visible,
    `multi_worker` over the machines of TF_CONFIG (stages/multi_worker.py)."""

    strategy: Literal["auto", "default", "mirrored", "multi_worker"]


class Training(Section):
    """The knobs every trainer shares (stages/training.py)."""

    epochs: PositiveInt
    batch_size: PositiveInt
    learning_rate: PositiveFloat
    # cosine: anneals the learning rate from `learning_rate` towards 0 over `epochs`, one step per epoch.
    learning_rate_schedule: Literal["constant", "cosine"] = "constant"
    patience: Annotated[int, Field(ge=0)]
    seed: int


def _describe(error):
    location = ".".join(str(part) for part in error["loc"])
    return f"{location}: {error['msg']} (got {error['input']!r})"


def load(section, schema, path=PARAMS_FILE):
    """Return the dotted `section` of params.yaml validated against `schema`, or raise a one-line StageError."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise StageError(f"{path}: not found (run stages from the repository root)") from None
    except yaml.YAMLError as error:
        raise StageError(f"{path}: not valid YAML: {error}".replace("\n", " ")) from None
    for key in section.split("."):
        if not isinstance(data, dict) or key not in data:
            raise StageError(f"{path}: missing key '{section}' (expected a {schema.__name__} section)")
        data = data[key]
    try:
        values = schema.model_validate(data)
    except ValidationError as error:
        problems = "; ".join(f"{section}.{_describe(e)}" for e in error.errors())
        raise StageError(f"{path}: {problems}") from None
    LOADED[section] = values.model_dump(mode="json")
    return values
