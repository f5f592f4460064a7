"""Seeded and deterministic on CPU: every trainer, baseline, evaluator and generator of the tiny run (one value of
each matrix stage), run again on the same inputs, writes the same bytes, so that nothing downstream of it (curves,
exports) goes stale."""

AGAIN = ("add_noise", "train_", "baseline_", "evaluate_", "generate_text")


def test_every_stage_run_again_writes_the_same_bytes(tiny_pipeline, trained_repo):
    repo = trained_repo
    # One value of each matrix stage: the others run the same code on other params.
    stages = {stage for stage in tiny_pipeline.ran if stage.startswith(AGAIN)} - {"train_autoencoder@32",
                                                                                  "generate_text@1.5"}
    assert {"train_autoencoder@4", "train_denoiser", "train_text", "train_sentiment", "baseline_autoencoder",
            "evaluate_sentiment", "generate_text@0.5", "generate_text_summary"} <= stages
    before = repo.metrics_bytes()
    assert before
    assert repo.repro("-f", "-s", *stages) == stages
    assert repo.metrics_bytes() == before
    # Every output hashes as before: dvc.lock and the files git tracks are unchanged, and no stage is stale.
    assert repo.git("status", "--porcelain") == ""
    assert repo.stale() == set()
