"""Publishing through huggingface_hub, with the API object patched (never calling out)."""

from __future__ import annotations

from pathlib import Path
from unittest import mock

import pytest
from click.testing import CliRunner
from fixtures_release import write_release
from huggingface_hub.errors import LocalTokenNotFoundError

from qbench_portrait_lib.cli import cli
from qbench_portrait_lib.contract.errors import QBenchError
from qbench_portrait_lib.data import push
from qbench_portrait_lib.data.card_merge import generated_blocks, split_card
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


def hub_api(tmp_path: Path, card: str | None = None) -> mock.Mock:
    """A patched HfApi; ``card`` is the README.md already on the Hub (None: no card there)."""
    api = mock.Mock()
    api.file_exists.return_value = card is not None
    if card is not None:
        downloaded = tmp_path / "hub-README.md"
        downloaded.write_text(card, encoding="utf-8")
        api.hf_hub_download.return_value = str(downloaded)
    return api


def test_push_creates_the_repo_and_uploads_card_and_shards(export_dir: Path, tmp_path: Path) -> None:
    api = hub_api(tmp_path)
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
    assert kwargs["allow_patterns"] == ["README.md", "LICENSE.md", "data/*.parquet"]
    assert kwargs["delete_patterns"] == ["data/*.parquet"]


def test_push_refuses_what_is_not_an_export(tmp_path: Path, export_dir: Path) -> None:
    api = hub_api(tmp_path)
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


def test_cli_push(export_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    api = hub_api(tmp_path)
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
    api.upload_folder.side_effect = None
    api.file_exists.reset_mock()
    args = ["push", str(export_dir), "--repo", "my-org/qbench-portrait", "--overwrite-card"]
    kept = runner.invoke(cli, args)
    assert kept.exit_code == 0, kept.output
    api.file_exists.assert_not_called()
    not_export = runner.invoke(cli, ["push", str(export_dir / "data"), "--repo", "my-org/x"])
    assert not_export.exit_code == 1 and "is not an export folder" in not_export.output


def test_push_keeps_the_prose_of_a_card_edited_on_the_hub(export_dir: Path, tmp_path: Path) -> None:
    generated = (export_dir / "README.md").read_text(encoding="utf-8")
    yaml_text, body = split_card(generated)
    stale = body.replace("Parquet shard(s)", "OLD NUMBERS")
    hub_card = (
        f"---\n{yaml_text}my_key: kept\n---\n\nA paragraph the maintainers wrote.\n\n{stale}\n"
        "## Our own notes\n\nKeep me.\n"
    )
    api = hub_api(tmp_path, hub_card)
    push_export(export_dir, "my-org/qbench-portrait", api=api)
    api.hf_hub_download.assert_called_once_with("my-org/qbench-portrait", "README.md", repo_type="dataset")
    merged = (export_dir / "README.md").read_text(encoding="utf-8")
    assert "A paragraph the maintainers wrote." in merged and "## Our own notes\n\nKeep me." in merged
    assert "OLD NUMBERS" not in merged and "Parquet shard(s)" in merged
    assert merged.index("A paragraph") < merged.index("qbench-portrait:generated title")
    merged_yaml, merged_body = split_card(merged)
    assert merged_yaml == yaml_text + "my_key: kept\n"
    assert generated_blocks(merged_body) == generated_blocks(body)
    assert check_export_dir(export_dir)


def test_push_overwrite_card_ignores_the_hub_card(export_dir: Path, tmp_path: Path) -> None:
    generated = (export_dir / "README.md").read_text(encoding="utf-8")
    api = hub_api(tmp_path, "---\nlicense: mit\n---\n\nHand written.\n")
    push_export(export_dir, "my-org/qbench-portrait", api=api, overwrite_card=True)
    api.hf_hub_download.assert_not_called()
    assert (export_dir / "README.md").read_text(encoding="utf-8") == generated


def test_the_export_card_marks_every_generated_section_and_links_its_licence(export_dir: Path) -> None:
    yaml_text, body = split_card((export_dir / "README.md").read_text(encoding="utf-8"))
    assert "license_link: LICENSE.md" in yaml_text.splitlines()
    assert (export_dir / "LICENSE.md").read_text(encoding="utf-8").startswith("## Licensing")
    names = list(generated_blocks(body))
    assert names[:2] == ["title", "export"] and names[-1] == "citation" and "licensing" in names
    outside = body
    for block in generated_blocks(body).values():
        outside = outside.replace(block, "")
    assert outside.strip().startswith("<!--") and outside.strip().endswith("-->")  # only the edit note


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
        QBenchError, match=r"is not a metric export: no other\.py \(found \[.*'qbench_portrait.py'"
    ):
        push_metric_space(metric_dir, "my-org/other", api=api)
    (metric_dir / "app.py").unlink()
    with pytest.raises(QBenchError, match=r"missing \['app.py'\]"):
        push_metric_space(metric_dir, "my-org/qbench_portrait", api=api)
    with pytest.raises(QBenchError, match=r"repo must look like ORG/NAME"):
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
    api.upload_folder.side_effect = LocalTokenNotFoundError("no token found")
    failed = runner.invoke(cli, ["push-metric", str(out), "--repo", "my-org/qbench_portrait"])
    assert failed.exit_code == 1 and "Traceback" not in failed.output
    assert "push to my-org/qbench_portrait failed: LocalTokenNotFoundError: no token found" in failed.output
