"""After a tiny run of every project, editing one project's code makes only its own stages stale, and editing a
shared module exactly the stages that import it."""
import test_pipeline_denoiser
import test_pipeline_sentiment
import test_pipeline_text
from conftest import write_manifest


def append_comment(repo, module):
    path = repo.path / module
    path.write_text(path.read_text() + "# edited\n")


def test_editing_one_project_reruns_only_that_project(repo, mirror):
    (mirror / "the_little_prince.txt").write_bytes(test_pipeline_text.synthetic_book().encode("utf-8"))
    test_pipeline_sentiment.write_reviews(mirror / "imdb_reviews.csv.gz")
    write_manifest(mirror)
    repo.set_params({**test_pipeline_denoiser.TINY, **test_pipeline_text.TINY, **test_pipeline_sentiment.TINY})
    everything = repo.repro()
    assert {"train_autoencoder@8", "train_denoiser", "train_text", "train_sentiment", "generate_text_summary",
            "baseline_autoencoder", "baseline_denoiser"} <= everything
    assert repo.stale() == set()

    # Editing a trainer re-runs its model's stages only: never its baseline, never another project.
    append_comment(repo, "stages/sentiment/train.py")
    assert repo.stale() == {"train_sentiment"}
    # The retrained model is byte-identical, so its evaluation and export stay cached.
    assert repo.repro() == {"train_sentiment"}
    assert repo.stale() == set()

    # A retrained model re-runs what reads it, never its baseline (nor the other MNIST project's).
    append_comment(repo, "stages/autoencoder/train.py")
    assert repo.stale() == {"train_autoencoder@8"}
    ran = repo.repro()
    assert "train_autoencoder@8" in ran
    assert ran <= {"train_autoencoder@8", "evaluate_autoencoder", "evaluate_denoiser", "export_autoencoder@8"}
    append_comment(repo, "stages/denoiser/train.py")
    assert repo.stale() == {"train_denoiser"}
    assert repo.repro() <= {"train_denoiser", "evaluate_denoiser", "export_denoiser"}
    assert repo.stale() == set()
    # The probe is one implementation for the baseline's codes and the autoencoder's.
    probe = (repo.path / "stages/mnist/probe.py").read_text()
    append_comment(repo, "stages/mnist/probe.py")
    assert repo.stale() == {"baseline_autoencoder", "evaluate_autoencoder"}
    (repo.path / "stages/mnist/probe.py").write_text(probe)
    assert repo.stale() == set()

    # The seeded retraining gives the same weights, so the same samples: their summary stays cached.
    append_comment(repo, "stages/text/train.py")
    assert repo.stale() == {"train_text"}
    assert repo.repro() == {"train_text", "evaluate_text", "generate_text@0.5", "generate_text@1.5", "export_text"}
    assert repo.stale() == set()

    # Shared modules: the MNIST model builder feeds both MNIST trainers; plots.py every stage that draws.
    append_comment(repo, "stages/mnist/model.py")
    assert repo.stale() == {"train_autoencoder@8", "train_denoiser"}
    append_comment(repo, "stages/plots.py")
    assert repo.stale() == {
        "train_autoencoder@8",
        "train_denoiser",
        "evaluate_autoencoder",
        "evaluate_denoiser",
        "baseline_text",
        "evaluate_text",
        "generate_text_summary",
        "evaluate_sentiment",
    }
