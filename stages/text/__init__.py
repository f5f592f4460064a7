"""Project 3: character-level text generation on The Little Prince, with an LSTM and an n-gram baseline."""
from stages.paths import METRICS, MODELS, PLOTS, PROCESSED, RAW, TRAINING_LOGS

BOOK = RAW / "the_little_prince.txt"
CORPUS = PROCESSED / "text"
VOCABULARY = CORPUS / "vocabulary.json"
# The cleaned text, split at one point: the last part is held out.
TRAIN_TEXT = CORPUS / "train.txt"
VALIDATION_TEXT = CORPUS / "validation.txt"
IDS = CORPUS / "ids.npz"
WINDOWS = CORPUS / "windows.npz"
CORPUS_SUMMARY = CORPUS / "corpus.json"
MODEL = MODELS / "text.keras"
MODEL_STAGE = "train_text"
TRAINING_LOG = TRAINING_LOGS / "text"
METRICS_FILE = METRICS / "text.json"
SAMPLE_METRICS = METRICS / "text_samples"
PLOTS_DIR = PLOTS / "text"
SAMPLES = PLOTS_DIR / "samples"
