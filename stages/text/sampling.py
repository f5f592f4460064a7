"""Sampling text from the character model at a temperature, and word-level measures of a sample."""
import math
import re
from typing import Annotated

import numpy as np
from pydantic import Field

from stages.params import Distinct, PositiveFloat, PositiveInt, Section

_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*")
# The sample measures that are shares in [0, 1], tabulated and plotted together.
RATIOS = ["distinct_2", "distinct_3", "repetition_rate_4", "known_word_share"]


class Generation(Section):
    """text.generate: one sample per temperature."""

    temperatures: Annotated[list[PositiveFloat], Field(min_length=1), Distinct]
    seed_text: str = Field(min_length=1)
    length: PositiveInt
    seed: int


def apply_temperature(probabilities: np.ndarray, temperature: float) -> np.ndarray:
    """p ** (1 / T), renormalised, computed in log space so that a tiny T gives a one-hot argmax."""
    if not temperature > 0:
        raise ValueError(f"temperature must be > 0, got {temperature}")
    with np.errstate(divide="ignore"):
        logits = np.log(np.asarray(probabilities, dtype=np.float64)) / temperature
    logits -= logits.max()
    scaled = np.exp(logits)
    return scaled / scaled.sum()


def sample_index(probabilities: np.ndarray, temperature: float, rng: np.random.Generator) -> int:
    scaled = apply_temperature(probabilities, temperature)
    return int(rng.choice(len(scaled), p=scaled))


def generate(predict, seed_ids, length: int, temperature: float, rng: np.random.Generator, context_len: int):
    """Sample `length` ids after `seed_ids`, each from predict(the last `context_len` ids) scaled by `temperature`.

    `predict` maps a 1-D array of ids to next-character probabilities. Returns the sampled ids and
    their mean log-likelihood under the unscaled model (nats/char): how much the model itself
    believes its own sample.
    """
    history = [int(i) for i in seed_ids]
    log_likelihood = 0.0
    for _ in range(length):
        probabilities = np.asarray(predict(np.array(history[-context_len:], dtype=np.int32)), dtype=np.float64)
        probabilities /= probabilities.sum()  # float32 softmax sums to 1 only approximately
        index = sample_index(probabilities, temperature, rng)
        log_likelihood += math.log(max(probabilities[index], 1e-300))
        history.append(index)
    return history[len(seed_ids):], log_likelihood / length


def words(text: str) -> list[str]:
    """Lowercased words: runs of letters, with inner apostrophes ("don't")."""
    return _WORD.findall(text.lower())


def _ngrams(tokens: list[str], n: int) -> list[tuple[str, ...]]:
    return [tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1)]


def distinct_n(tokens: list[str], n: int) -> float:
    """Distinct n-grams / all n-grams (Li et al. 2016); 0.0 when there is no n-gram."""
    grams = _ngrams(tokens, n)
    return len(set(grams)) / len(grams) if grams else 0.0


def repetition_rate(tokens: list[str], n: int = 4) -> float:
    """Share of n-grams that repeat an earlier n-gram of the same text: 1 - distinct-n."""
    grams = _ngrams(tokens, n)
    return 1.0 - len(set(grams)) / len(grams) if grams else 0.0


def known_word_share(tokens: list[str], vocabulary_words: set[str]) -> float:
    return sum(token in vocabulary_words for token in tokens) / len(tokens) if tokens else 0.0


def sample_metrics(generated: str, training_words: set[str]) -> dict[str, float]:
    """Word-level metrics of a generated text (without its seed)."""
    tokens = words(generated)
    return {
        "distinct_2": distinct_n(tokens, 2),
        "distinct_3": distinct_n(tokens, 3),
        "repetition_rate_4": repetition_rate(tokens, 4),
        "known_word_share": known_word_share(tokens, training_words),
    }
