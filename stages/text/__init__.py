"""Project 3: character-level text generation on The Little Prince, with an LSTM and an n-gram baseline."""
from stages.paths import METRICS, MODELS, PLOTS, PROCESSED, RAW, TRAINING_LOGS

BOOK = RAW / "the_little_prince.txt"
CORPUS = PROCESSED / "text"
VOCABULARY = CORPUS / "vocabulary.json"
# The cleaned text in three contiguous parts: training, validation (early stopping, the baseline's
# tuning), test (only the final figures read it).
TRAIN_TEXT = CORPUS / "train.txt"
VALIDATION_TEXT = CORPUS / "validation.txt"
TEST_TEXT = CORPUS / "test.txt"
IDS = CORPUS / "ids.npz"
WINDOWS = CORPUS / "windows.npz"
CORPUS_SUMMARY = CORPUS / "corpus.json"
MODEL = MODELS / "text.keras"
MODEL_STAGE = "train_text"
TRAINING_LOG = TRAINING_LOGS / "text"
METRICS_FILE = METRICS / "text.json"
BASELINE_METRICS = METRICS / "text_baseline.json"
PLOTS_DIR = PLOTS / "text"
SAMPLES = PLOTS_DIR / "samples"
