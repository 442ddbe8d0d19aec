"""The HTTP reader of unparsed responses: strict replies, retries, the cache, the key, the scorer."""

from __future__ import annotations

import json
import re

import pytest
from fake_openai_server import FakeOpenAIServer

from qbench_portrait_lib.run.client import RetryPolicy
from qbench_portrait_lib.run.endpoint_guard import InsecureKeyTransport
from qbench_portrait_lib.run.reader import (
    READER_PROMPT_VERSION,
    HttpReader,
    parse_reader_reply,
    reader_messages,
)
from qbench_portrait_lib.scoring import score_predictions
from qbench_portrait_lib.scoring.reading import UnreadItem

FAST_RETRY = RetryPolicy(max_attempts=2, backoff_base_s=0.01, backoff_max_s=0.02)
SECRET = "sk-reader-secret-41"
OPTIONS = ("Blur", "Noise", "Color cast")


def reading_responder(text: str, body: dict) -> str:
    """Replies by a marker word in the response read; 'stubborn' is well-formed on the 3rd attempt."""
    response = re.search(r"<<<\n(.*)\n>>>", text, flags=re.DOTALL).group(1)
    if "grainy" in response:
        return "B"
    if "grain and tint" in response:
        return "B, C"
    if "dunno" in response:
        return "NONE"
    if "stubborn" in response:
        return "A" if body["seed"] == 2 else "I believe the answer is A."
    return "The response seems to pick something."  # never well-formed


def item(name: str, response: str, question_type: str = "single_choice") -> UnreadItem:
    return UnreadItem(name, "What is the main distortion?", question_type, OPTIONS, response)


def make_reader(server, cache_dir, **overrides):
    settings = {"cache_dir": cache_dir, "retry": FAST_RETRY, "concurrency": 4, "reply_retries": 2}
    return HttpReader(server.base_url, "reader-llm", **{**settings, **overrides})


@pytest.mark.parametrize(
    ("reply", "expected"),
    [("B", (1,)), ("A, C", (0, 2)), ("A,C.", (0, 2)), ("NONE", ()), (" none ", ()), ("**B**", (1,))],
)
def test_well_formed_replies(reply, expected):
    assert parse_reader_reply(reply, 3) == expected


@pytest.mark.parametrize("reply", ["B because of grain", "The answer is B", "D", "", None, "B or C", "AB"])
def test_malformed_replies(reply):
    assert parse_reader_reply(reply, 3) is None


def test_the_prompt_letters_the_options_and_quotes_the_response():
    user = reader_messages(item("q1", "It is grainy."))[1]["content"]
    assert "A. Blur\nB. Noise\nC. Color cast" in user and "<<<\nIt is grainy.\n>>>" in user
    assert "NONE" in user


def test_reader_answers_retries_malformed_replies_then_counts_them(tmp_path):
    items = [
        item("a", "It is grainy."),
        item("b", "dunno"),
        item("c", "stubborn"),
        item("d", "garbled"),
        item("e", "grain and tint", "multiple_choice"),
    ]
    with FakeOpenAIServer(model="reader-llm", responder=reading_responder, require_image=False) as server:
        reader = make_reader(server, tmp_path / "cache")
        answers = reader(items)
    assert answers == [("Noise",), None, ("Blur",), None, ("Noise", "Color cast")]
    stats = reader.stats
    assert stats["malformed_replies"] == 2 + 3  # c: two before the valid one; d: all three
    assert stats["failures"] == 1.0 and stats["read"] == 3.0 and stats["none_replies"] == 1.0
    assert stats["calls"] == 1 + 1 + 3 + 3 + 1 and stats["cache_hits"] == 0
    assert {request["body"]["temperature"] for request in server.requests} == {0.0}
    retried = [request["text"] for request in server.requests if "stubborn" in request["text"]]
    assert "Nothing else." in retried[-1]  # a retry reminds the model of the format


def test_a_cache_hit_makes_no_call(tmp_path):
    items = [item("a", "It is grainy."), item("c", "stubborn")]
    with FakeOpenAIServer(responder=reading_responder, require_image=False) as server:
        first = make_reader(server, tmp_path / "cache")
        expected = first(items)
        calls = len(server.requests)
        second = make_reader(server, tmp_path / "cache")
        assert second(items) == expected
        assert len(server.requests) == calls
    assert second.stats["calls"] == 0 and second.stats["cache_hits"] == first.stats["calls"]


def test_http_failures_are_counted_and_not_cached(tmp_path):
    with FakeOpenAIServer(responder=reading_responder, require_image=False) as server:
        server.add_faults(["500", "500"], match="grainy")
        reader = make_reader(server, tmp_path / "cache")
        assert reader([item("a", "It is grainy.")]) == [None]
        assert reader.stats["http_failures"] == 1.0 and reader.stats["failures"] == 1.0
        again = make_reader(server, tmp_path / "cache")
        assert again([item("a", "It is grainy.")]) == [("Noise",)]
        assert again.stats["calls"] == 1.0


def test_the_api_key_is_never_written(tmp_path, monkeypatch, caplog):
    monkeypatch.setenv("READER_KEY", SECRET)
    with FakeOpenAIServer(api_key=SECRET, responder=reading_responder, require_image=False) as server:
        reader = make_reader(server, tmp_path / "cache", api_key_env="READER_KEY")
        assert reader([item("a", "It is grainy."), item("d", "garbled")]) == [("Noise",), None]
    assert server.shape_errors == [] and all(
        r["authorization"] == f"Bearer {SECRET}" for r in server.requests
    )
    written = [path.read_text() for path in (tmp_path / "cache").rglob("*") if path.is_file()]
    assert written and not any(SECRET in text for text in written)
    assert (
        SECRET not in caplog.text and SECRET not in repr(reader) and SECRET not in json.dumps(reader.settings)
    )


def test_the_reader_plugs_into_the_scorer_after_the_rules(tmp_path):
    shared = {"image_id": "img0", "quality_dimension": "technical", "image_source": "natural"}
    shared |= {
        "level": "global",
        "attribute": "blur",
        "region": "",
        "question": "What is the main distortion?",
    }
    references = [
        {
            **shared,
            "id": f"q{i}",
            "question_type": "single_choice",
            "options": list(OPTIONS),
            "answer": ["Noise"],
        }
        for i in range(4)
    ]
    predictions = ["B", "Looks rather grainy to me.", "C. Noise", "garbled"]
    with FakeOpenAIServer(responder=reading_responder, require_image=False) as server:
        reader = make_reader(server, tmp_path / "cache", reply_retries=0)
        result = score_predictions(
            predictions, references, reader=reader, return_details=True, bootstrap_samples=0
        )
    asked = {re.search(r"<<<\n(.*)\n>>>", r["text"], flags=re.DOTALL).group(1) for r in server.requests}
    assert asked == {"Looks rather grainy to me.", "garbled"}  # not the rules' reading, not the conflict
    details = result["details"]
    assert [d["source"] for d in details] == ["rules", "reader", None, None]
    assert [d["conflict"] for d in details] == [False, False, True, False]
    assert [d["score"] for d in details] == [1.0, 1.0, 0.0, 0.0]
    assert result["extraction/read_by_rules"] == 1.0 and result["extraction/read_by_reader"] == 1.0
    assert result["extraction/unparsed"] == 2.0 == result["parse_failures"]
    assert result["extraction/conflicts"] == 1.0
    assert reader.settings["reader_prompt_version"] == READER_PROMPT_VERSION == reader.prompt_version


def test_bad_reader_settings_are_refused(tmp_path):
    with pytest.raises(ValueError, match="expected a reader model name"):
        HttpReader("http://127.0.0.1:9/v1", "", cache_dir=tmp_path)
    with pytest.raises(ValueError, match="expected concurrency >= 1"):
        HttpReader("http://127.0.0.1:9/v1", "r", cache_dir=tmp_path, concurrency=0)


def test_the_reader_refuses_a_key_over_plain_http_when_made(tmp_path, monkeypatch):
    remote = "http://10.255.255.1:9/v1"  # not this machine: never contacted, the refusal comes first
    monkeypatch.setenv("READER_KEY", SECRET)
    with pytest.raises(
        InsecureKeyTransport,
        match=r"^refusing to send the reader's API key \(\$READER_KEY\) over plain http to '10\.255\.255\.1'",
    ) as refused:
        HttpReader(remote, "r", cache_dir=tmp_path, api_key_env="READER_KEY")
    assert SECRET not in str(refused.value)
    monkeypatch.delenv("READER_KEY")
    assert HttpReader(remote, "r", cache_dir=tmp_path, api_key_env="READER_KEY").endpoint.api_key is None
    assert HttpReader(remote.replace("http:", "https:"), "r", cache_dir=tmp_path).base_url.startswith("https")


def test_score_command_takes_the_reader_options(tmp_path, monkeypatch):
    from click.testing import CliRunner
    from test_report import small_references

    from qbench_portrait_lib.cli import cli
    from qbench_portrait_lib.jobs import files as file_jobs
    from qbench_portrait_lib.run.predictions import PredictionRecord

    references = small_references()
    monkeypatch.setattr(file_jobs, "load_references", lambda source, split="test": references)
    lines = [
        PredictionRecord(id=row["id"], response="hmm, a tough call", model="m").to_json()
        for row in references.rows
    ]
    predictions = tmp_path / "p.jsonl"
    predictions.write_text("\n".join(lines) + "\n", encoding="utf-8")
    closed = sum(row["question_type"] != "open_ended" for row in references.rows)
    with FakeOpenAIServer(
        model="reader-llm", responder=lambda text, body: "A", require_image=False
    ) as server:
        result = CliRunner().invoke(
            cli,
            ["score", str(predictions), "--dataset", "small", "--out", str(tmp_path / "r"), "--no-charts",
             "--reader-base-url", server.base_url, "--reader-model", "reader-llm",
             "--reader-cache-dir", str(tmp_path / "cache")],
            catch_exceptions=False,
        )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert len(server.requests) == closed
    results = json.loads((tmp_path / "r" / "results.json").read_text())
    assert (
        results["metrics"]["extraction/read_by_reader"] == closed
        and results["metrics"]["parse_failures"] == 0
    )
    reader = results["metadata"]["reader"]
    assert (reader["model"], reader["prompt_version"]) == ("reader-llm", READER_PROMPT_VERSION)
    assert reader["stats"]["calls"] == closed


def test_reader_model_without_a_base_url_is_an_error(tmp_path):
    from click.testing import CliRunner

    from qbench_portrait_lib.cli import cli

    predictions = tmp_path / "p.jsonl"
    predictions.write_text("", encoding="utf-8")
    result = CliRunner().invoke(cli, ["score", str(predictions), "--dataset", "none", "--reader-model", "x"])
    assert (
        result.exit_code == 1
        and "a reader model ('x') was given without the reader's base URL" in result.output
    )
