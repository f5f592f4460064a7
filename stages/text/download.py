"""Stage: fetch the_little_prince.txt into data/raw from the mirror, its URL or the offline fallback prose."""
from stages.cli import run
from stages.sources import download
from stages.text.dataset import dataset

if __name__ == "__main__":
    run(lambda: download("text", dataset))
