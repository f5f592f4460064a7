"""The folders every stage reads and writes; each project names its own files below them in its package's __init__."""
from pathlib import Path

RAW = Path("data/raw")
PROCESSED = Path("data/processed")
MODELS = Path("data/models")
METRICS = Path("metrics")
PLOTS = Path("plots")
# What the baseline stages hand their evaluate stage besides their metrics (pictures' rows, curves).
BASELINES = Path("data/baselines")
# The backups of unfinished trainings (stages/backup.py): ignored by git and DVC, and no stage's out, so that
# DVC does not delete them before the stage runs again.
BACKUPS = Path("data/backups")
# DVCLive's per-epoch curves of every trainer.
TRAINING_LOGS = PLOTS / "train"


def source_record(dataset, raw_dir=RAW):
    """The provenance record the download writes beside a raw dataset (mirror, url or fallback)."""
    return Path(raw_dir) / f"{dataset}.source.json"
