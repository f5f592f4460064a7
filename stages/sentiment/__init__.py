"""Project 4: IMDB review sentiment with an Embedding -> LSTM -> Dense(sigmoid) model and a TF-IDF baseline."""
from stages.paths import METRICS, MODELS, PLOTS, PROCESSED, RAW, TRAINING_LOGS

REVIEWS = RAW / "imdb_reviews.csv.gz"
# train.npz, validation.npz and test.npz (x word ids, y labels) and the vocabulary that made them.
SEQUENCES = PROCESSED / "imdb"
VOCABULARY = SEQUENCES / "vocabulary.json"
PREPROCESSING_SUMMARY = SEQUENCES / "summary.json"
# Which reviews of the raw train split are training and which validation (row positions), for the
# baseline, which reads the raw text of the same reviews.
SPLIT = SEQUENCES / "split.npz"
# The model travels with the exact word mapping it was trained on, for evaluation and predict.
MODEL_DIR = MODELS / "sentiment"
MODEL = MODEL_DIR / "model.keras"
MODEL_STAGE = "train_sentiment"
MODEL_VOCABULARY = MODEL_DIR / "vocabulary.json"
TRAINING_LOG = TRAINING_LOGS / "sentiment"
METRICS_FILE = METRICS / "sentiment.json"
BASELINE_METRICS = METRICS / "sentiment_baseline.json"
PLOTS_DIR = PLOTS / "sentiment"
# The baseline's validation accuracy at every n-gram range and C it tried (a plot).
BASELINE_GRID = PLOTS_DIR / "baseline_grid.csv"
