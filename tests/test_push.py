"""Publishing through huggingface_hub, with the API object patched (never calling out)."""

from __future__ import annotations

from pathlib import Path
from unittest import mock

import pytest
from click.testing import CliRunner
from fixtures_release import write_release
from huggingface_hub.errors import LocalTokenNotFoundError

from qbench_portrait_lib.cli import cli
from qbench_portrait_lib.data import push
from qbench_portrait_lib.data.export import export_dataset
from qbench_portrait_lib.data.push import check_export_dir, push_export
from qbench_portrait_lib.harness import space_push
from qbench_portrait_lib.harness.metric_export import export_metric
from qbench_portrait_lib.harness.space_push import push_metric_space


@pytest.fixture
def export_dir(tmp_path: Path) -> Path:
    release = write_release(tmp_path / "release")
    export_dataset(tmp_path / "qbench-portrait", data_dir=release, rows_per_group=1, max_shard_bytes=1500)
    return tmp_path / "qbench-portrait"


def test_push_creates_the_repo_and_uploads_card_and_shards(export_dir: Path) -> None:
    api = mock.Mock()
    api.upload_folder.return_value = mock.Mock(oid="abc123")
    commit = push_export(export_dir, "my-org/qbench-portrait", private=True, api=api)
    assert commit.oid == "abc123"
    api.create_repo.assert_called_once_with(
        "my-org/qbench-portrait", repo_type="dataset", private=True, exist_ok=True
    )
    kwargs = api.upload_folder.call_args.kwargs
    assert kwargs["repo_id"] == "my-org/qbench-portrait"
    assert kwargs["repo_type"] == "dataset"
    assert kwargs["folder_path"] == str(export_dir)
    assert kwargs["allow_patterns"] == ["README.md", "data/*.parquet"]
    assert kwargs["delete_patterns"] == ["data/*.parquet"]


def test_push_refuses_what_is_not_an_export(tmp_path: Path, export_dir: Path) -> None:
    api = mock.Mock()
    with pytest.raises(ValueError, match=r"is not an export folder: no README.md"):
        push_export(tmp_path / "release", "my-org/qbench-portrait", api=api)
    with pytest.raises(ValueError, match=r"repo must look like ORG/NAME .*got 'qbench-portrait'"):
        push_export(export_dir, "qbench-portrait", api=api)
    api.create_repo.assert_not_called()
    api.upload_folder.assert_not_called()


def test_check_export_dir_finds_inconsistent_shards(export_dir: Path, tmp_path: Path) -> None:
    shards = check_export_dir(export_dir)
    assert len(shards) > 1
    shards[0].unlink()
    with pytest.raises(ValueError, match=r"holds \d+ shard\(s\) but their names announce"):
        check_export_dir(export_dir)
    (export_dir / "data" / "extra.parquet").write_bytes(b"")
    with pytest.raises(ValueError, match=r"unexpected file extra.parquet"):
        check_export_dir(export_dir)
    (export_dir / "README.md").write_text("# hand written\n")
    with pytest.raises(ValueError, match=r"has no generated YAML header"):
        check_export_dir(export_dir)
    empty = tmp_path / "empty"
    (empty / "data").mkdir(parents=True)
    (empty / "README.md").write_text("---\nconfigs:\ndataset_info:\n---\n")
    with pytest.raises(ValueError, match=r"no data/\*\.parquet"):
        check_export_dir(empty)


def test_cli_push(export_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    api = mock.Mock()
    api.upload_folder.return_value = mock.Mock(oid="def456")
    monkeypatch.setattr(push, "HfApi", mock.Mock(return_value=api))
    runner = CliRunner()
    result = runner.invoke(cli, ["push", str(export_dir), "--repo", "my-org/qbench-portrait"])
    assert result.exit_code == 0, result.output
    assert "pushed" in result.output and "def456" in result.output
    assert api.create_repo.call_args.kwargs["private"] is False
    api.upload_folder.side_effect = LocalTokenNotFoundError("no token found: log in with `hf auth login`")
    failed = runner.invoke(cli, ["push", str(export_dir), "--repo", "my-org/qbench-portrait", "--private"])
    assert failed.exit_code == 1
    assert (
        "Error: push to my-org/qbench-portrait failed: LocalTokenNotFoundError: no token found"
        in failed.output
    )
    assert "Traceback" not in failed.output
    api.upload_folder.side_effect = RuntimeError("a bug in the upload")
    with pytest.raises(RuntimeError, match="a bug in the upload"):  # a bug is not turned into a message
        runner.invoke(cli, ["push", str(export_dir), "--repo", "my-org/x"], catch_exceptions=False)
    not_export = runner.invoke(cli, ["push", str(export_dir / "data"), "--repo", "my-org/x"])
    assert not_export.exit_code == 1 and "is not an export folder" in not_export.output


# ---- the metric as a Space ------------------------------------------------------------------


@pytest.fixture
def metric_dir(tmp_path: Path) -> Path:
    return export_metric(tmp_path / "qbench_portrait").out_dir


def test_push_metric_creates_a_gradio_space_and_uploads_the_export(metric_dir: Path) -> None:
    api = mock.Mock()
    api.upload_folder.return_value = mock.Mock(oid="feed01")
    commit = push_metric_space(metric_dir, "my-org/qbench_portrait", api=api)
    assert commit.oid == "feed01"
    api.create_repo.assert_called_once_with(
        "my-org/qbench_portrait", repo_type="space", space_sdk="gradio", private=False, exist_ok=True
    )
    kwargs = api.upload_folder.call_args.kwargs
    assert kwargs["repo_id"] == "my-org/qbench_portrait" and kwargs["repo_type"] == "space"
    assert kwargs["folder_path"] == str(metric_dir)
    assert kwargs["allow_patterns"] == ["*.py", "README.md", "app.py", "requirements.txt"]
    assert kwargs["delete_patterns"] == ["*.py"]


def test_push_metric_refuses_a_folder_not_named_after_the_space(metric_dir: Path) -> None:
    api = mock.Mock()
    with pytest.raises(
        ValueError, match=r"is not a metric export: no other\.py \(found \[.*'qbench_portrait.py'"
    ):
        push_metric_space(metric_dir, "my-org/other", api=api)
    (metric_dir / "app.py").unlink()
    with pytest.raises(ValueError, match=r"missing \['app.py'\]"):
        push_metric_space(metric_dir, "my-org/qbench_portrait", api=api)
    with pytest.raises(ValueError, match=r"repo must look like ORG/NAME"):
        push_metric_space(metric_dir, "qbench_portrait", api=api)
    api.create_repo.assert_not_called()


def test_cli_export_metric_and_push_metric(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    api = mock.Mock()
    api.upload_folder.return_value = mock.Mock(oid="cafe02")
    monkeypatch.setattr(space_push, "HfApi", mock.Mock(return_value=api))
    runner = CliRunner()
    out = tmp_path / "qbench_portrait"
    exported = runner.invoke(cli, ["export-metric", "--out", str(out)])
    assert exported.exit_code == 0, exported.output
    assert "sibling module(s)" in exported.output and (out / "qbench_portrait.py").is_file()
    again = runner.invoke(cli, ["export-metric", "--out", str(out)])
    assert again.exit_code == 1 and "is not empty: pass overwrite=True" in again.output
    assert runner.invoke(cli, ["export-metric", "--out", str(out), "--overwrite"]).exit_code == 0
    pushed = runner.invoke(cli, ["push-metric", str(out), "--repo", "my-org/qbench_portrait"])
    assert pushed.exit_code == 0, pushed.output
    assert "https://huggingface.co/spaces/my-org/qbench_portrait (cafe02)" in pushed.output
    api.upload_folder.side_effect = RuntimeError("403 Forbidden")
    failed = runner.invoke(cli, ["push-metric", str(out), "--repo", "my-org/qbench_portrait"])
    assert failed.exit_code == 1
    assert "push to my-org/qbench_portrait failed: RuntimeError: 403 Forbidden" in failed.output
