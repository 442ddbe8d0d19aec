"""The release validator and the scorer apply one contract: same refusals, same sentences.

What a release accepts must be accepted downstream too (scorer, prompt, answer extraction);
option lists that extraction could not tell apart are refused when the release is read.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from fixtures_release import records, write_release

from qbench_portrait_lib.contract.columns import REFERENCE_COLUMNS, TRUE_FALSE_OPTIONS
from qbench_portrait_lib.contract.prompt import render_prompt
from qbench_portrait_lib.data.release import read_release
from qbench_portrait_lib.data.release_records import ReleaseValidationError
from qbench_portrait_lib.scoring import extract_answer
from qbench_portrait_lib.scoring.references import normalize_references


def with_change(index: int, **changes: Any) -> list[dict[str, Any]]:
    """The fixture records with ``changes`` applied to record ``index`` (None removes a field)."""
    recs = records()
    for key, value in changes.items():
        if value is None:
            recs[index].pop(key, None)
        else:
            recs[index][key] = value
    return recs


# (record index, changes, expected problem): the rules across options, answer and region
CONTRACT_CASES = [
    (0, {"answer": ["Blurry"]}, r"answer \['Blurry'\] is not among the options"),
    (0, {"answer": ["Sharp", "Very blurry"]}, r"a single_choice question needs exactly 1 answer, got 2"),
    (1, {"answer": []}, r"a multiple_choice question needs at least 1 answer, got none"),
    (1, {"answer": ["Eyes", "Eyes"]}, r"answer lists an option twice: \['Eyes', 'Eyes'\]"),
    (2, {"answer": ["True", "False"]}, r"a true_false question needs exactly 1 answer, got 2"),
    (
        2,
        {"options": ["Yes", "No"], "answer": ["Yes"]},
        r"a true_false question must have options \['True', 'False'\], got \['Yes', 'No'\]",
    ),
    (2, {"options": ["False", "True"]}, r"a true_false question must have options \['True', 'False'\]"),
    (3, {"options": ["A", "B"]}, r"an open_ended question must have no options, got \['A', 'B'\]"),
    (3, {"answer": [""]}, r"an open_ended question needs at least one non-empty reference answer"),
    (0, {"options": ["Sharp"], "answer": ["Sharp"]}, r"needs 2 to 26 options, got 1: \['Sharp'\]"),
    (
        0,
        {"options": [f"level {i}" for i in range(30)], "answer": ["level 0"]},
        r"a single_choice question needs 2 to 26 options, got 30",
    ),
    (0, {"options": ["Sharp", "Sharp"], "answer": ["Sharp"]}, r"options 'Sharp' and 'Sharp' are the same"),
    (
        1,
        {"options": ["Eyes", "EYES", "Hair"], "answer": ["Eyes"]},
        r"options 'Eyes' and 'EYES' are the same option to answer extraction \(it ignores case",
    ),
    (
        0,
        {"options": ["Very  blurry.", "Sharp", "very blurry"], "answer": ["Sharp"]},
        r"options 'Very  blurry.' and 'very blurry' are the same option",
    ),
    (0, {"options": ["Sharp", "  "], "answer": ["Sharp"]}, r"every option needs visible text, got '  '"),
    (0, {"options": ["Sharp", "."], "answer": ["Sharp"]}, r"every option needs visible text, got '.'"),
    (
        0,
        {"options": ["B", "A"], "answer": ["A"]},
        r"option 'B' is a single letter other than its own letter A, so an answer naming it",
    ),
    (1, {"region": ""}, r"a local question needs a non-empty 'region', got ''"),
    (1, {"region": None}, r"a local question needs a non-empty 'region', got ''"),
    (0, {"region": "eyes"}, r"a global question must have region '', got 'eyes'"),
]

_LOCATION = re.compile(r"^annotations\.jsonl: record \d+ \(id '[^']*', line \d+\): ")


def as_reference(record: dict[str, Any]) -> dict[str, Any]:
    """The reference the scorer would get for ``record``, with the release reader's defaults."""
    reference = {column: record.get(column) for column in REFERENCE_COLUMNS}
    reference["image_id"] = record.get("image_id", record["image"])
    if reference["options"] is None:
        reference["options"] = list(TRUE_FALSE_OPTIONS) if record["question_type"] == "true_false" else []
    reference["region"] = record.get("region") or ""
    return reference


@pytest.mark.parametrize(("index", "changes", "expected"), CONTRACT_CASES)
def test_validator_and_scorer_refuse_with_the_same_sentences(
    tmp_path: Path, index: int, changes: dict[str, Any], expected: str
) -> None:
    recs = with_change(index, **changes)
    with pytest.raises(ReleaseValidationError) as info:
        read_release(write_release(tmp_path / "release", recs))
    sentences = [_LOCATION.sub("", problem) for problem in info.value.problems]
    assert any(re.search(expected, sentence) for sentence in sentences), sentences
    record_id = recs[index]["id"]
    scorer_message = f"reference {index} (id {record_id!r}): " + "; ".join(sentences)
    with pytest.raises(ValueError) as scorer_info:
        normalize_references([as_reference(record) for record in recs])
    assert str(scorer_info.value) == scorer_message


# options near the limits that every part must accept
EDGE_CASES = [
    (0, {"options": [f"level {chr(65 + i)}" for i in range(26)], "answer": ["level Z"]}),
    (0, {"options": ["Low", "Lower", "Lowest"], "answer": ["Lower"]}),
    (0, {"options": ["A", "B", "C"], "answer": ["B"]}),
    (1, {"options": ["Eyes", "Eye", "Hair."], "answer": ["Eyes", "Hair."]}),
    (0, {"options": ["Sharp", "Slightly blurry", "Very blurry", "Sharp, then blurry"], "answer": ["Sharp"]}),
]


@pytest.mark.parametrize(("index", "changes"), EDGE_CASES)
def test_what_the_release_accepts_the_scorer_prompt_and_extraction_accept(
    tmp_path: Path, index: int, changes: dict[str, Any]
) -> None:
    release = read_release(write_release(tmp_path / "release", with_change(index, **changes)))
    row = release.rows[index]
    references = normalize_references(
        [{column: r[column] for column in REFERENCE_COLUMNS} for r in release.rows]
    )
    assert references[index].options == tuple(changes["options"])
    assert render_prompt(row).count("\n") >= len(row["options"])
    last_letter = chr(64 + len(row["options"]))
    assert extract_answer(last_letter, row["options"], row["question_type"]) == (row["options"][-1],)


def test_the_data_core_does_not_import_the_scoring_core() -> None:
    """The shared rules live in leaf modules: reading a release loads no scoring code."""
    import subprocess
    import sys

    code = (
        "import sys, qbench_portrait_lib.data.release; "
        "print(sorted(m for m in sys.modules if m.startswith('qbench_portrait_lib.scoring')))"
    )
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert output.strip() == "[]"
