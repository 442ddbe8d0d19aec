"""Every Python example in README.md runs, in order, as a user would paste it.

The examples share one namespace (later ones use names defined earlier). They run in a
temporary working directory that holds the exported sample as ``qbench-portrait``; the
judge example talks to a fake OpenAI-compatible server on 127.0.0.1 instead of a real one.
"""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest
from fake_openai_server import FakeOpenAIServer

from qbench_portrait_lib.data.export import export_dataset

README = Path(__file__).resolve().parent.parent / "README.md"
JUDGE_URL_IN_README = "http://localhost:8001/v1"


def python_blocks(text: str) -> list[str]:
    return re.findall(r"^```python\n(.*?)^```", text, flags=re.DOTALL | re.MULTILINE)


def judge_responder(text: str, body: dict) -> str:
    return "The answer matches the reference in substance.\nScore: 2"


def test_readme_opens_with_the_two_setup_commands() -> None:
    first_block = re.search(r"```bash\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.DOTALL)
    assert first_block is not None
    commands = first_block.group(1).strip().splitlines()
    assert commands == [
        'pip install ".[demo]" && qbench-portrait demo',
        'pip install -e ".[test]" && pytest',
    ]


def test_readme_python_examples_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocks = python_blocks(README.read_text(encoding="utf-8"))
    assert len(blocks) >= 4, "expected the loading, metric, scoring and judge examples"
    export_dataset(tmp_path / "qbench-portrait", sample=True)
    monkeypatch.chdir(tmp_path)
    namespace: dict = {"__name__": "__readme__"}
    with FakeOpenAIServer(responder=judge_responder, require_image=False) as server:
        for index, block in enumerate(blocks):
            code = block.replace(JUDGE_URL_IN_README, server.base_url)
            output = io.StringIO()
            with contextlib.redirect_stdout(output):
                exec(compile(code, f"README.md python block {index + 1}", "exec"), namespace)
        assert server.requests, "the judge example never reached the (fake) judge server"
    assert namespace["results"]["open_ended/judge_score"] == 1.0
    assert namespace["ds"].num_rows == len(namespace["references"])
