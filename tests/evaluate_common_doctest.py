"""The doctest step of evaluate's own metric test, re-implemented here for one metric folder.

evaluate's ``tests/test_metric_common.py`` (v0.4.6, ``LocalModuleTest.test_load``) runs every
metric of its repository, laid out as ``./metrics/<name>/<name>.py``, like this:

1. ``doctest.ELLIPSIS_MARKER = "[...]"``;
2. import the module ``evaluate.loading.evaluation_module_factory("metrics/<name>",
   module_type="metric").module_path`` and take its main class with ``import_main_class``;
3. require that ``_compute`` takes no ``**kwargs``;
4. with ``evaluate.load`` patched so that ``evaluate.load(NAME, ...)`` loads
   ``metrics/NAME`` (``use_local_metrics``), run ``doctest.testmod(module, verbose=True,
   raise_on_error=True)``, re-raising the exception an example raised;
5. require ``failed == 0`` and ``attempted > 1``.

``run(METRIC_DIR)`` does the same after copying ``METRIC_DIR`` to ``metrics/<name>/`` of a
scratch working directory. It imports only evaluate and the standard library, so it runs in
an environment without this project (``python evaluate_common_doctest.py METRIC_DIR``).
"""

from __future__ import annotations

import contextlib
import doctest
import importlib
import inspect
import io
import os
import shutil
import sys
import tempfile
from pathlib import Path
from unittest.mock import patch

import evaluate
from evaluate import load


@contextlib.contextmanager
def _use_local_metrics(module_type: str):
    def load_local_metric(evaluation_module_name, *args, **kwargs):
        return load(os.path.join(module_type + "s", evaluation_module_name), *args, **kwargs)

    with patch("evaluate.load") as mock_load:
        mock_load.side_effect = load_local_metric
        yield


def _test_load(name: str, module_type: str = "metric") -> doctest.TestResults:
    doctest.ELLIPSIS_MARKER = "[...]"
    module = importlib.import_module(
        evaluate.loading.evaluation_module_factory(
            os.path.join(module_type + "s", name), module_type=module_type
        ).module_path
    )
    instance = evaluate.loading.import_main_class(module.__name__)
    parameters = inspect.signature(instance._compute).parameters
    if any(p.kind == p.VAR_KEYWORD for p in parameters.values()):
        raise AssertionError(f"{name}: _compute takes **kwargs")
    with _use_local_metrics(module_type):
        try:
            results = doctest.testmod(module, verbose=True, raise_on_error=True)
        except doctest.UnexpectedException as error:
            raise error.exc_info[1] from None  # the exception the example raised
        except doctest.DocTestFailure as failure:  # (evaluate's test shows it in the verbose output)
            raise AssertionError(
                f"{failure.test.name}, line {failure.example.lineno}: {failure.example.source.strip()}\n"
                f"expected: {failure.example.want.strip()}\ngot: {failure.got.strip()}"
            ) from None
    if results.failed != 0 or results.attempted <= 1:
        raise AssertionError(f"{name}: doctest results {results}")
    return results


def run(metric_dir: str | os.PathLike[str]) -> doctest.TestResults:
    """Run the doctest step on ``metric_dir`` (its name is the metric's name); returns the results."""
    source = Path(metric_dir).resolve()
    previous = os.getcwd()
    with tempfile.TemporaryDirectory(prefix="evaluate-common-") as scratch:
        shutil.copytree(source, Path(scratch) / "metrics" / source.name)
        os.chdir(scratch)
        marker = doctest.ELLIPSIS_MARKER
        try:
            with contextlib.redirect_stdout(io.StringIO()):  # testmod(verbose=True) prints every example
                return _test_load(source.name)
        finally:
            os.chdir(previous)
            doctest.ELLIPSIS_MARKER = marker  # evaluate's test sets it for the whole process


if __name__ == "__main__":
    outcome = run(sys.argv[1])
    print(f"attempted={outcome.attempted} failed={outcome.failed}")
