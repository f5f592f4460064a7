"""The test run's scheduling (tests/conftest.py): pytest-xdist sees the file group each test is given (a pytest
release can silently drop it: pytest-dev/pytest-xdist#1386), and the tests that need a shared run come last."""
import os
from types import SimpleNamespace

import pytest

from conftest import shared_run_order


def test_pytest_xdist_sends_this_file_to_one_worker(request):
    if "PYTEST_XDIST_WORKER" not in os.environ:
        pytest.skip("not run under pytest-xdist")
    assert request.node.nodeid.endswith("@test_scheduling")


def item(module, *fixtures):
    return SimpleNamespace(module=SimpleNamespace(__name__=module), fixturenames=["shared_runs", *fixtures])


def test_the_tests_that_need_a_shared_run_come_last_longest_first(request):
    assert shared_run_order(item("test_params", "tmp_path")) == 0
    readme = shared_run_order(item("test_readme_commands", "trained_repo", "tiny_pipeline"))
    damaged = shared_run_order(item("test_damaged_models", "trained_repo", "tiny_pipeline"))
    experiment = shared_run_order(item("test_report", "tiny_experiment"))
    assert 0 < readme < damaged == experiment
    order = [shared_run_order(test) for test in request.session.items]
    assert order == sorted(order)
