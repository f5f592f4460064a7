"""Every value of a matrix list is plotted: a latent size that neither dvc.yaml nor the committed params name is
trained and drawn in both training-curve plots, with no edit of dvc.yaml."""
import json

import yaml

PLOTS = ("Autoencoder validation loss per epoch", "Autoencoder training loss per epoch")


def test_a_latent_size_added_by_params_is_in_the_training_curve_plots(trained_repo, tmp_path):
    repo = trained_repo
    committed = yaml.safe_load((repo.path / "params.yaml").read_text())["autoencoder"]["latent_sizes"]
    assert 8 not in committed and "latent_8" not in (repo.path / "dvc.yaml").read_text()
    repo.set_params({"autoencoder.latent_sizes": [*committed, 8]})

    assert repo.repro("curves_autoencoder") == {"train_autoencoder@8", "curves_autoencoder"}

    shown = json.loads(repo.dvc("plots", "show", "--json", "-o", str(tmp_path / "plots")))["data"]
    for title in PLOTS:
        [plot] = shown[title]
        values = plot["content"]["data"]["values"]
        assert {int(value["latent_size"]) for value in values} == {*committed, 8}, title
        assert {value["step"] for value in values if value["latent_size"] == "8"} == {"0", "1"}, title  # 2 epochs
