"""After a tiny run of every project, editing one project's code makes only its own stages stale, and editing a
shared module exactly the stages that import it."""


def append_comment(repo, module):
    path = repo.path / module
    path.write_text(path.read_text() + "# edited\n")


def test_editing_one_project_reruns_only_that_project(tiny_pipeline, trained_repo):
    repo = trained_repo
    everything = tiny_pipeline.ran
    assert {"train_autoencoder@32", "train_denoiser", "train_text", "train_sentiment", "generate_text_summary",
            "baseline_autoencoder", "baseline_denoiser", "baseline_text", "baseline_sentiment"} <= everything
    # The copy is a valid git+DVC repository with every result in place.
    assert repo.stale() == set()
    assert repo.git("status", "--porcelain") == ""

    # Editing a trainer re-runs its model's stages only: never its baseline, never another project.
    append_comment(repo, "stages/sentiment/train.py")
    assert repo.stale() == {"train_sentiment"}
    # The retrained model is byte-identical, so its evaluation and export stay cached.
    assert repo.repro() == {"train_sentiment"}
    assert repo.stale() == set()

    # A retrained model re-runs what reads it, never its baseline (nor the other MNIST project's).
    append_comment(repo, "stages/autoencoder/train.py")
    assert repo.stale() == {"train_autoencoder@4", "train_autoencoder@32"}
    assert repo.repro() == {"train_autoencoder@4", "train_autoencoder@32"}
    append_comment(repo, "stages/denoiser/train.py")
    assert repo.stale() == {"train_denoiser"}
    assert repo.repro() == {"train_denoiser"}
    assert repo.stale() == set()
    # The probe is one implementation for the baseline's codes and the autoencoder's.
    probe = (repo.path / "stages/mnist/probe.py").read_text()
    append_comment(repo, "stages/mnist/probe.py")
    assert repo.stale() == {"baseline_autoencoder", "evaluate_autoencoder"}
    (repo.path / "stages/mnist/probe.py").write_text(probe)
    assert repo.stale() == set()

    append_comment(repo, "stages/text/train.py")
    assert repo.stale() == {"train_text"}
    assert repo.repro() == {"train_text"}
    assert repo.stale() == set()

    # Shared modules: the MNIST model builder feeds both MNIST trainers; plots.py every stage that draws.
    append_comment(repo, "stages/mnist/model.py")
    assert repo.stale() == {"train_autoencoder@4", "train_autoencoder@32", "train_denoiser"}
    append_comment(repo, "stages/plots.py")
    assert repo.stale() == {
        "train_autoencoder@4",
        "train_autoencoder@32",
        "train_denoiser",
        "curves_autoencoder",
        "evaluate_autoencoder",
        "baseline_denoiser",
        "evaluate_denoiser",
        "baseline_text",
        "evaluate_text",
        "generate_text_summary",
        "baseline_sentiment",
        "evaluate_sentiment",
    }
