"""`dvc exp run -S` on the autoencoder stages, and `dvc exp show --json` carrying the experiment's metrics."""
import json


def experiments(shown):
    """Every experiment record (name, params, metrics) in `dvc exp show --json` output."""
    for baseline in shown:
        for experiment in baseline.get("experiments") or []:
            for revision in experiment["revs"]:
                yield revision


def test_exp_run_with_a_set_param_is_listed_with_its_metrics(tiny_experiment):
    # tiny_experiment's `more-epochs` ran `dvc exp run -S autoencoder.train.epochs=3` on a 2-epoch commit.
    shown = json.loads(tiny_experiment.dvc("exp", "show", "--json"))
    [experiment] = [e for e in experiments(shown) if e.get("name") == "more-epochs"]
    data = experiment["data"]
    assert data["params"]["params.yaml"]["data"]["autoencoder"]["train"]["epochs"] == 3
    scores = data["metrics"]["metrics/autoencoder/latent_16.json"]["data"]
    assert scores["data_source"] == "mirror"
    assert 0 < scores["test_loss"] < 0.7
    committed = json.loads(tiny_experiment.git("show", "HEAD:metrics/autoencoder/latent_16.json"))
    assert scores["test_loss"] != committed["test_loss"]  # the experiment trained its own model
