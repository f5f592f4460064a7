"""After a tiny run of every project, editing one project's code makes only its own stages stale, and editing a
shared module exactly the stages that import it."""


def append_comment(repo, module):
    path = repo.path / module
    path.write_text(path.read_text() + "# edited\n")


def test_editing_one_project_reruns_only_that_project(tiny_pipeline, trained_repo):
    repo = trained_repo
    everything = tiny_pipeline.ran
    assert {"train_autoencoder@8", "train_denoiser", "train_text", "train_sentiment", "generate_text_summary"} <= everything
    # The copy is a valid git+DVC repository with every result in place.
    assert repo.stale() == set()
    assert repo.git("status", "--porcelain") == ""

    append_comment(repo, "stages/sentiment/train.py")
    assert repo.stale() == {"train_sentiment"}
    assert repo.repro() == {"train_sentiment", "evaluate_sentiment", "export_sentiment"}
    assert repo.stale() == set()

    # Shared modules: the MNIST model builder feeds both MNIST trainers; plots.py every stage that draws.
    append_comment(repo, "stages/mnist/model.py")
    assert repo.stale() == {"train_autoencoder@4", "train_autoencoder@8", "train_denoiser"}
    append_comment(repo, "stages/plots.py")
    assert repo.stale() == {
        "train_autoencoder@4",
        "train_autoencoder@8",
        "train_denoiser",
        "evaluate_autoencoder",
        "evaluate_denoiser",
        "evaluate_text",
        "generate_text_summary",
        "evaluate_sentiment",
    }
