"""The held-out graded set of open-ended answers and the script that measures the proxy on it."""

from __future__ import annotations

import importlib.util
import json
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_SPEC = importlib.util.spec_from_file_location("heldout_open_ended", ROOT / "tools" / "heldout_open_ended.py")
tool = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(tool)


def test_the_graded_set_covers_the_dimensions_grades_and_kinds_it_promises():
    answers = tool.load_graded(tool.DEFAULT_PATH)
    questions = {answer.question_id for answer in answers}
    assert len(answers) >= 150 and len(questions) >= 40
    assert set(Counter(answer.grade for answer in answers)) == {0, 1, 2}
    dimensions = {
        json.loads(line)["quality_dimension"] for line in tool.DEFAULT_PATH.read_text().splitlines()
    }
    assert dimensions == {"technical", "aigc", "aesthetic"}
    kinds = {answer.kind for answer in answers}
    assert {"swap", "value", "synonym", "stuffing", "short_yes_no", "contradiction", "partial"} <= kinds


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("not json", r"bad\.jsonl, line 2: expected one JSON object, got invalid JSON"),
        ("[1]", r"bad\.jsonl, line 2: expected one JSON object, got list"),
        (json.dumps({"id": "q", "question": "Q?", "references": ["r"], "answers": [{"text": "t", "grade": 3,
                                                                                 "kind": "k"}]}),
         r"bad\.jsonl, line 2, answer 0: expected 'grade' 0, 1 or 2, got 3"),
        (json.dumps({"id": "q", "question": "Q?", "references": [], "answers": []}),
         r"bad\.jsonl, line 2: expected 'references' to be non-empty strings, got \[\]"),
    ],
)  # fmt: skip
def test_a_bad_graded_file_names_its_line(tmp_path, line, message):
    good = {
        "id": "q0",
        "question": "Q?",
        "references": ["r"],
        "answers": [{"text": "t", "grade": 1, "kind": "k"}],
    }
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(good) + "\n" + line + "\n")
    with pytest.raises(ValueError, match=message):
        tool.load_graded(path)


def test_the_figures_of_a_perfect_and_of_an_inverted_scorer():
    answers = tool.load_graded(tool.DEFAULT_PATH)
    perfect = tool.measure(answers, lambda answer: answer.grade / 2)
    assert perfect["spearman"] == pytest.approx(1.0) and perfect["mean_gap"] == 0.0
    assert perfect["pairs_1_over_0"] == perfect["pairs_2_over_1"] == 1.0
    inverted = tool.measure(answers, lambda answer: 1 - answer.grade / 2)
    assert inverted["spearman"] == pytest.approx(-1.0) and inverted["pairs_1_over_0"] == 0.0


def test_the_agreement_the_reports_and_docs_quote_is_what_the_tool_measures():
    from qbench_portrait_lib.scoring.headline import PROXY_AGREEMENT

    answers = tool.load_graded(tool.DEFAULT_PATH)
    figures = tool.measure(answers, tool.current_proxy)
    assert round(figures["spearman"], 3) == PROXY_AGREEMENT.spearman
    assert round(figures["kendall"], 3) == PROXY_AGREEMENT.kendall
    assert (len(answers), len({a.question_id for a in answers})) == (
        PROXY_AGREEMENT.answers,
        PROXY_AGREEMENT.questions,
    )
    card = (ROOT / "metric" / "README.md").read_text()
    assert f"| this proxy | {PROXY_AGREEMENT.spearman:.3f} | {PROXY_AGREEMENT.kendall:.3f} |" in card
    assert f"Spearman {PROXY_AGREEMENT.spearman:.2f}" in (ROOT / "README.md").read_text()
