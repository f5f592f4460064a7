"""`dvc exp run -S` on the autoencoder stages, and `dvc exp show --json` carrying the experiment's metrics."""
import json

from test_pipeline_autoencoder import TINY


def experiments(shown):
    """Every experiment record (name, params, metrics) in `dvc exp show --json` output."""
    for baseline in shown:
        for experiment in baseline.get("experiments") or []:
            for revision in experiment["revs"]:
                yield revision


def test_exp_run_with_a_set_param_is_listed_with_its_metrics(repo):
    repo.set_params({**TINY, "autoencoder.latent_sizes": [4]})
    repo.dvc("exp", "run", "--name", "fast-lr", "-S", "autoencoder.train.learning_rate=0.01", "evaluate_autoencoder")

    shown = json.loads(repo.dvc("exp", "show", "--json"))
    [experiment] = [e for e in experiments(shown) if e.get("name") == "fast-lr"]
    data = experiment["data"]
    assert data["params"]["params.yaml"]["data"]["autoencoder"]["train"]["learning_rate"] == 0.01
    scores = data["metrics"]["metrics/autoencoder.json"]["data"]
    assert scores["data_source"] == "mirror"
    assert 0 < scores["latent_4"]["test_loss"] < 0.7
