"""The LLM judge: strict verdict parsing, rounds, failures, agreement and the on-disk cache."""

from __future__ import annotations

import asyncio
import json
import math
import re

import pytest
from fake_openai_server import FakeOpenAIServer

from qbench_portrait_lib.run.client import RetryPolicy
from qbench_portrait_lib.run.judge import (
    HttpJudge,
    JudgeUnavailableError,
    all_rounds_agree,
    mean_pairwise_agreement,
)
from qbench_portrait_lib.run.judge_prompt import JUDGE_SYSTEM_PROMPT, parse_judge_score, render_judge_prompt
from qbench_portrait_lib.scoring import score_predictions
from qbench_portrait_lib.scoring.judging import OpenEndedItem, validate_judge_scores

FAST_RETRY = RetryPolicy(max_attempts=2, backoff_base_s=0.01, backoff_max_s=0.02)
SECRET = "sk-judge-secret-77"


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        ("Score: 2", 2),
        ("The answer matches.\nScore: 1", 1),
        ("score: 0", 0),
        ("**Score:** 2", 2),
        ("**Score: 1**", 1),
        ("Score: 2.", 2),
        ("Reasoning...\nScore: 2\nActually no.\nScore: 0", 0),
        ("Score: 2\nScore: 5", None),  # the last Score line decides, and it is invalid
        ("Score: 1.5", None),
        ("Score: 2/2", None),
        ("Score: two", None),
        ("I give it a 2", None),
        ("The final score is 2.", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_judge_score_is_strict(reply, expected):
    assert parse_judge_score(reply) == expected


def test_the_rubric_holds_question_references_and_answer():
    prompt = render_judge_prompt(
        "Which area is blurred?", ["The background.", "Everything behind her."], " The sky "
    )
    assert prompt.startswith("Question: Which area is blurred?\nReference answers:\n- The background.\n")
    assert "- Everything behind her.\nModel's answer: The sky\n" in prompt
    assert prompt.endswith('"Score: 0", "Score: 1" or "Score: 2".')
    with pytest.raises(ValueError, match=r"needs at least one reference answer for question 'Q\?', got none"):
        render_judge_prompt("Q?", [], "A")


def test_agreement_measures():
    assert all_rounds_agree([[2, 2], [1, 1, 1], [0, 2], [1]]) == pytest.approx(2 / 3)
    assert mean_pairwise_agreement([[2, 2, 1], [0, 0]]) == pytest.approx((1 / 3 + 1) / 2)
    assert math.isnan(all_rounds_agree([[1], []])) and math.isnan(mean_pairwise_agreement([]))


def grading_responder(text: str, body: dict) -> str:
    """Grades by a marker word in the model's answer; 'flaky' answers depend on the round (seed)."""
    answer = re.search(r"^Model's answer: (.*)$", text, flags=re.MULTILINE).group(1)
    seed = body["seed"]
    if "right" in answer:
        return "It names the same region.\nScore: 2"
    if "partly" in answer:
        return "Half of it.\n**Score:** 1"
    if "wrong" in answer:
        return "Score: 0"
    if "flaky" in answer:
        return f"Score: {(2, 2, 1)[seed // 100 % 3]}"
    if "stubborn" in answer:
        return "Score: 2" if seed % 100 == 2 else "I would rather not say."  # valid on the 3rd attempt only
    return "This answer deserves a good grade."  # never a valid verdict


def item(name: str, response: str | None) -> OpenEndedItem:
    question = f"Which region of {name} is blurred?"
    return OpenEndedItem(id=name, question=question, references=("The background.",), response=response)


ITEMS = [
    item("a", "right: the background"),
    item("b", "partly: the hair"),
    item("c", "wrong: the eyes"),
    item("d", "flaky answer"),
    item("e", "garbled answer"),
    item("f", None),
    item("g", "   "),
    item("h", "stubborn answer"),
]


def make_judge(server, cache_dir, **overrides):
    settings = {
        "rounds": 3,
        "cache_dir": cache_dir,
        "retry": FAST_RETRY,
        "concurrency": 4,
        "reply_retries": 2,
    }
    return HttpJudge(server.base_url, "judge-llm", **{**settings, **overrides})


def test_judge_scores_counts_failures_and_agreement(tmp_path):
    with FakeOpenAIServer(model="judge-llm", responder=grading_responder, require_image=False) as server:
        judge = make_judge(server, tmp_path / "cache")
        values = judge(ITEMS)
    assert server.shape_errors == []
    assert values == [2.0, 1.0, 0.0, pytest.approx(5 / 3), None, 0.0, 0.0, 2.0]
    assert validate_judge_scores(values, len(ITEMS)) == values  # fits the scorer's hook
    stats = judge.stats
    # 6 answered items x 3 rounds; "garbled" asks 3 times per round, "stubborn" succeeds on its 3rd ask.
    assert stats["calls"] == 4 * 3 + 3 * 3 + 3 * 3
    assert stats["cache_hits"] == 0
    assert stats["unusable_replies"] == 3 * 3 + 2 * 3
    assert (stats["round_failures"], stats["failures"], stats["empty_responses"]) == (3, 1, 2)
    assert stats["failure_rate"] == 1 / 8 and stats["round_failure_rate"] == 3 / 18
    assert stats["inter_round_agreement"] == pytest.approx(4 / 5)  # all but "flaky" agree
    assert stats["mean_pairwise_agreement"] == pytest.approx((4 + 1 / 3) / 5)
    bodies = [request["body"] for request in server.requests]
    assert {body["model"] for body in bodies} == {"judge-llm"}
    assert {body["temperature"] for body in bodies} == {0.7}
    assert {body["seed"] // 100 for body in bodies} == {0, 1, 2}
    assert all(request["image_urls"] == [] for request in server.requests)
    assert server.requests[0]["text"].startswith(JUDGE_SYSTEM_PROMPT + "\nQuestion: Which region of ")


def test_a_rerun_is_served_from_the_cache(tmp_path):
    with FakeOpenAIServer(responder=grading_responder, require_image=False) as server:
        first = make_judge(server, tmp_path / "cache")
        first_values = first(ITEMS)
        calls = len(server.requests)
        second = make_judge(server, tmp_path / "cache")
        assert second(ITEMS) == first_values
        assert len(server.requests) == calls  # no new call
        assert second.stats["calls"] == 0 and second.stats["cache_hits"] == first.stats["calls"]
        other_rounds = make_judge(server, tmp_path / "cache", rounds=4)
        other_rounds(ITEMS[:1])
        # Rounds 0-2 are the ones already asked; only round 3 is new.
        assert (other_rounds.stats["calls"], other_rounds.stats["cache_hits"]) == (1, 3)
    cached = [json.loads(path.read_text()) for path in (tmp_path / "cache").rglob("*.json")]
    assert len(cached) == calls + 1
    assert {entry["judge_model"] for entry in cached} == {"judge-llm"}


def test_http_failures_are_judge_failures_and_not_cached(tmp_path):
    broken = item("broken", "right: but the server fails")
    with FakeOpenAIServer(responder=grading_responder, require_image=False) as server:
        server.add_faults(["500"] * 6, match="broken")
        judge = make_judge(server, tmp_path / "cache", rounds=3, reply_retries=0)
        assert judge([broken, ITEMS[0]]) == [None, 2.0]
        assert judge.stats["http_failures"] == 3 and judge.stats["failures"] == 1
        again = make_judge(server, tmp_path / "cache", rounds=3, reply_retries=0)
        assert again([broken, ITEMS[0]]) == [2.0, 2.0]
        assert again.stats["calls"] == 3 and again.stats["cache_hits"] == 3


def test_a_judge_that_answers_nothing_is_an_error_not_a_silent_proxy(tmp_path, monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)  # no key sent: the server answers 401
    with FakeOpenAIServer(
        api_key="the-right-key", responder=grading_responder, require_image=False
    ) as server:
        judge = make_judge(server, tmp_path / "cache", rounds=2, reply_retries=0)
        with pytest.raises(
            JudgeUnavailableError, match=r"answered none of 4 requests \(2 answers to grade\)"
        ):
            judge(ITEMS[:2])
        assert judge.stats["http_failures"] == 4 and judge.stats["failures"] == 2
        assert "the server refused the API key" in judge._last_error
    assert issubclass(JudgeUnavailableError, ValueError)  # a QBenchError: the CLI prints one message


def test_single_round_uses_temperature_zero_and_the_key_stays_out_of_the_cache(tmp_path, monkeypatch, caplog):
    monkeypatch.setenv("JUDGE_KEY", SECRET)
    with FakeOpenAIServer(api_key=SECRET, responder=grading_responder, require_image=False) as server:
        judge = make_judge(server, tmp_path / "cache", rounds=1, api_key_env="JUDGE_KEY")
        assert judge(ITEMS[:3]) == [2.0, 1.0, 0.0]
    assert {request["body"]["temperature"] for request in server.requests} == {0.0}
    assert server.shape_errors == []
    for path in (tmp_path / "cache").rglob("*"):
        if path.is_file():
            assert SECRET not in path.read_text()
    assert (
        SECRET not in caplog.text and SECRET not in repr(judge) and SECRET not in json.dumps(judge.settings)
    )


def test_the_judge_works_inside_a_running_event_loop(tmp_path):
    with FakeOpenAIServer(responder=grading_responder, require_image=False) as server:
        judge = make_judge(server, tmp_path / "cache", rounds=1)

        async def notebook_cell():
            return judge(ITEMS[:2])

        assert asyncio.run(notebook_cell()) == [2.0, 1.0]


def test_bad_judge_settings_are_refused(tmp_path):
    with pytest.raises(ValueError, match=r"rounds must be at least 1, got 0"):
        HttpJudge("http://127.0.0.1:9/v1", "j", rounds=0, cache_dir=tmp_path)
    with pytest.raises(ValueError, match=r"expected a judge model name"):
        HttpJudge("http://127.0.0.1:9/v1", "", cache_dir=tmp_path)


def test_the_judge_plugs_into_the_scorer(tmp_path):
    references = [
        {
            "id": f"q{index}",
            "image_id": "img0",
            "question": "Which region is blurred?",
            "question_type": "open_ended",
            "options": [],
            "answer": ["The background."],
            "quality_dimension": "technical",
            "image_source": "natural",
            "level": "local",
            "attribute": "blur",
            "region": "background",
        }
        for index in range(4)
    ]
    predictions = ["right: the background", "partly: the hair", "garbled answer", None]
    with FakeOpenAIServer(responder=grading_responder, require_image=False) as server:
        judge = make_judge(server, tmp_path / "cache", rounds=2)
        result = score_predictions(
            predictions, references, judge=judge, return_details=True, bootstrap_samples=10
        )
    assert [detail["score"] for detail in result["details"][:2]] == [1.0, 0.5]
    assert [detail["score_source"] for detail in result["details"]][:2] == ["judge", "judge"]
    assert result["details"][2]["score_source"] == "proxy"  # the judge failed: the proxy stands in
    assert result["open_ended/judge_failures"] == 1.0
    assert judge.stats["failures"] == 1.0 and judge.stats["empty_responses"] == 1.0
