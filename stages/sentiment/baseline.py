"""The baseline the LSTM must beat: TF-IDF word n-grams + logistic regression, with its params."""
import numpy as np

from stages.params import PositiveFloat, PositiveInt, Section
from stages.sentiment.encoding import standardise


class TfidfBaseline(Section):
    max_ngram: PositiveInt
    min_df: PositiveInt
    inverse_regularisation: PositiveFloat


def tfidf_baseline(
    train_texts, train_labels, test_texts, max_ngram: int, min_df: int, inverse_regularisation: float
) -> np.ndarray:
    """P(positive) of the test texts from TF-IDF word n-grams + logistic regression (scikit-learn)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    # Same standardisation as the LSTM's, so the two models see the same words.
    vectorizer = TfidfVectorizer(
        preprocessor=standardise, ngram_range=(1, max_ngram), min_df=min_df, sublinear_tf=True
    )
    features = vectorizer.fit_transform(train_texts)
    classifier = LogisticRegression(C=inverse_regularisation, max_iter=1000).fit(features, train_labels)
    return classifier.predict_proba(vectorizer.transform(test_texts))[:, 1]
