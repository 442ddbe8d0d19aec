"""The annotation page in a real browser (headless Chromium, see annotate_browser.py).

One long test walks an annotator through the embedded sample with the keyboard and the
mouse, goes back and changes an answer, reloads, kills and restarts the server, checks
the answer file line by line, then scores it. Another feeds markup as a question.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from annotate_browser import AnnotationServer, chromium, current_id, resource_urls, wait_for_answered
from click.testing import CliRunner
from fixtures_release import records, write_release
from selenium import webdriver
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from qbench_portrait_lib.annotate.answer_file import AnswerFile
from qbench_portrait_lib.annotate.queue import QuestionQueue
from qbench_portrait_lib.cli import cli
from qbench_portrait_lib.contract.columns import QUESTION_TYPES
from qbench_portrait_lib.jobs.score import load_references, score_predictions_file
from qbench_portrait_lib.run.predictions import read_predictions

OPEN_TEXT = "The face is sharp but the background is noisy."


@pytest.fixture(scope="module")
def driver() -> Iterator[webdriver.Chrome]:
    browser = chromium()
    try:
        yield browser
    finally:
        browser.quit()


def press(driver: webdriver.Chrome, *keys: str) -> None:
    """Type ``keys`` into whatever has the focus, as a person would."""
    ActionChains(driver).send_keys(*keys).perform()


def kind(driver: webdriver.Chrome) -> str:
    meta = driver.find_element(By.ID, "meta").text
    for name in ("single choice", "multiple choice", "true or false", "open-ended"):
        if name in meta:
            return name
    raise AssertionError(f"unknown question type in {meta!r}")


def click_choice(driver: webdriver.Chrome, position: int) -> None:
    driver.find_elements(By.CSS_SELECTOR, "#choices label")[position].click()


def check_zoom(driver: webdriver.Chrome) -> None:
    """The portrait fills the viewer; a click shows it at 100 %, another fits it again."""
    portrait = driver.find_element(By.ID, "portrait")
    WebDriverWait(driver, 30).until(lambda d: d.execute_script("return arguments[0].complete;", portrait))
    size = "return [arguments[0].naturalWidth, arguments[0].width];"
    natural, fitted = driver.execute_script(size, portrait)
    assert natural == 320 and fitted > natural  # the sample's 320 px portraits, fitted to 1400x900
    driver.find_element(By.ID, "viewer").click()
    assert driver.execute_script(size, portrait) == [320, 320]
    assert "100 %" in driver.find_element(By.ID, "zoom").text
    driver.find_element(By.ID, "viewer").click()
    assert driver.execute_script(size, portrait)[1] == fitted


def answer_with_keyboard(driver: webdriver.Chrome) -> str:
    """Answer the question on the page with keys only; return the expected response line."""
    question = kind(driver)
    if question == "open-ended":
        press(driver, "Line one")
        ActionChains(driver).key_down(Keys.SHIFT).send_keys(Keys.ENTER).key_up(Keys.SHIFT).perform()
        press(driver, OPEN_TEXT, Keys.ENTER)
        return f"Line one\n{OPEN_TEXT}"
    keys, expected = {
        "single choice": (["b"], "B"),
        "multiple choice": (["a", "3"], "A, C"),  # a letter and a digit
        "true or false": (["f"], "False"),
    }[question]
    press(driver, *keys, Keys.ENTER)
    return expected


def answer_with_mouse(driver: webdriver.Chrome) -> str:
    """Answer with clicks (typing only the open-ended text); return the expected response."""
    question = kind(driver)
    if question == "open-ended":
        driver.find_element(By.ID, "text").send_keys(OPEN_TEXT)
        expected = OPEN_TEXT
    else:
        positions, expected = {
            "single choice": ([2], "C"),
            "multiple choice": ([1, 3, 0, 0], "B, D"),  # A clicked on, then off again
            "true or false": ([0], "True"),
        }[question]
        for position in positions:
            click_choice(driver, position)
    driver.find_element(By.ID, "confirm").click()
    return expected


#: The formats answered so far, by way of answering ("keyboard", "mouse").
answered_by: dict[str, set[str]] = {}


def answer(driver: webdriver.Chrome, count: int, expected: dict[str, str], use_mouse: bool) -> None:
    """Answer ``count`` questions, alternating keyboard and mouse, recording what should be written."""
    for step in range(count):
        question_id = current_id(driver)
        mouse = use_mouse if step % 2 == 0 else not use_mouse
        answered_by.setdefault(kind(driver), set()).add("mouse" if mouse else "keyboard")
        expected[question_id] = (answer_with_mouse if mouse else answer_with_keyboard)(driver)
        wait_for_answered(driver, len(expected))


def check_lines(path: Path, expected: dict[str, str]) -> list[dict]:
    """Every line of the answer file, in answer order, against what the page was given."""
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert [line["id"] for line in lines] == list(expected)
    for line in lines:
        assert line["response"] == expected[line["id"]], line
        assert line["model"] == "human:ann1"
        assert line["error"] is None and line["usage"] is None
        assert line["prompt_version"] == "1"
        assert isinstance(line["latency_s"], float) and 0 < line["latency_s"] < 600
    assert len(read_predictions(path)) == len(expected)  # the scorer's reader accepts it
    return lines


def test_an_annotator_answers_goes_back_reloads_and_resumes(driver: webdriver.Chrome, tmp_path: Path) -> None:
    out = tmp_path / "human" / "ann1.jsonl"
    expected: dict[str, str] = {}
    references = load_references("sample")
    ids = references.ids  # --order dataset: the page follows these
    server = AnnotationServer("sample", "ann1", out)
    try:
        driver.get(server.url)
        first = current_id(driver)
        assert first == ids[0]
        assert driver.find_element(By.ID, "who").text == "human:ann1"
        assert driver.find_element(By.ID, "count").text == "0 / 437 answered"
        check_zoom(driver)
        answer(driver, 6, expected, use_mouse=False)
        check_lines(out, expected)

        # Back one question (answered by mouse: "C"), its answer is shown, change it by keyboard.
        at_six = current_id(driver)
        press(driver, Keys.BACKSPACE)
        back = current_id(driver, previous=at_six)
        assert back == list(expected)[5]
        checked = [
            box.get_attribute("value") for box in driver.find_elements(By.CSS_SELECTOR, "input:checked")
        ]
        assert checked == ["C"]
        before = {line["id"]: line for line in check_lines(out, expected)}
        press(driver, "a", Keys.ENTER)
        expected[back] = "A"
        assert current_id(driver, previous=back) == at_six  # on to the first unanswered question
        after = {line["id"]: line for line in check_lines(out, expected)}
        assert after[back]["latency_s"] > before[back]["latency_s"]  # time of both visits
        assert {k: v for k, v in after.items() if k != back} == {k: v for k, v in before.items() if k != back}

        answer(driver, 2, expected, use_mouse=False)
        driver.refresh()
        assert current_id(driver) == ids[8]  # reload resumes at the first unanswered
        wait_for_answered(driver, 8)
        assert all(url.startswith(server.url) for url in resource_urls(driver)), resource_urls(driver)
    finally:
        server.kill()
    check_lines(out, expected)  # intact after SIGKILL

    server = AnnotationServer("sample", "ann1", out)
    try:
        assert server.first_line.startswith("annotation page for human:ann1")
        driver.get(server.url)
        assert current_id(driver) == ids[8]
        wait_for_answered(driver, 8)
        answer(driver, 2, expected, use_mouse=False)
    finally:
        server.kill()
    lines = check_lines(out, expected)
    assert len(lines) == 10
    rows = {row["id"]: row for row in references.rows}
    assert {rows[line["id"]]["question_type"] for line in lines} == set(QUESTION_TYPES)
    both = {"keyboard", "mouse"}
    assert answered_by == {
        name: both for name in ("single choice", "multiple choice", "true or false", "open-ended")
    }

    run = score_predictions_file(out, references, bootstrap_samples=0)
    assert run.name == "human:ann1"
    assert len(run.missing_ids) == 437 - 10
    by_id = {detail["id"]: detail for detail in run.details}
    for question_id, response in expected.items():
        row = rows[question_id]
        if row["question_type"] == "open_ended":
            continue
        letters = response.split(", ")
        wanted = (
            letters
            if row["question_type"] == "true_false"
            else [row["options"][ord(x) - 65] for x in letters]
        )
        assert sorted(by_id[question_id]["parsed"]) == sorted(wanted), (question_id, response)
    result = CliRunner().invoke(cli, ["score", str(out), "--dataset", "sample"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "human:ann1 on sample" in result.output
    assert "427 questions without a prediction" in result.output
    check_compare_pools_the_humans(out, expected, tmp_path)


def check_compare_pools_the_humans(ann1: Path, expected: dict[str, str], tmp_path: Path) -> None:
    """``compare`` ranks the page's file, a second annotator's and a model's, plus the pooled row."""
    queue = QuestionQueue.from_rows(load_references("sample").rows)
    ann2 = AnswerFile(tmp_path / "human" / "ann2.jsonl", "ann2", queue)
    for question_id, response in expected.items():
        question = queue[queue.position(question_id)]
        if question.question_type == "open_ended":
            payload: dict = {"text": response}
        elif question.question_type == "single_choice":
            payload = {"choice": ["D"]}  # disagrees with ann1 on every single-choice question
        else:
            payload = {"choice": response.split(", ")}
        ann2.answer(queue.position(question_id), {**payload, "latency_s": 1.0})
    model = tmp_path / "model.jsonl"
    model.write_text(
        "".join(json.dumps({"id": q.id, "response": "A", "model": "model-x"}) + "\n" for q in queue)
    )
    report = tmp_path / "leaderboard"
    args = ["compare", str(model), str(ann1), str(ann2.path), "--dataset", "sample", "--out", str(report)]
    result = CliRunner().invoke(
        cli, [*args, "--no-charts", "--bootstrap-samples", "100"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    for name in ("model-x", "human:ann1", "human:ann2", "human (n=2)"):
        assert f" {name} " in result.output, name
    assert "agreement of the human annotators" in result.output
    results = json.loads((report / "results.json").read_text())
    pooled = next(model for model in results["models"] if model["name"] == "human (n=2)")
    assert pooled["metadata"]["annotators"] == ["human:ann1", "human:ann2"]
    agreement = results["human_agreement"]
    assert agreement["single_choice"]["percent_agreement"] == 0.0  # they never agreed there
    assert agreement["true_false"]["percent_agreement"] == 1.0
    assert "## Human annotators: agreement" in (report / "report.md").read_text()


MARKUP_QUESTION = '<script>window.pwned = 1</script><b id="injected">Is</b> the face <i>sharp</i>?'
MARKUP_OPTION = '<img src="/api/images/0" onerror="window.pwned = 2" id="injected-option">Blurry'


def test_markup_in_the_dataset_renders_as_text(driver: webdriver.Chrome, tmp_path: Path) -> None:
    release = records()
    release[0]["question"] = MARKUP_QUESTION
    release[0]["options"] = ["Sharp", MARKUP_OPTION, "Very blurry"]
    write_release(tmp_path / "release", release)
    server = AnnotationServer(str(tmp_path / "release"), "ann1", tmp_path / "ann1.jsonl")
    try:
        driver.get(server.url)
        assert current_id(driver) == "q1"
        assert driver.find_element(By.ID, "question").text == MARKUP_QUESTION
        labels = driver.find_elements(By.CSS_SELECTOR, "#choices .choice-text")
        assert [label.text for label in labels] == ["Sharp", MARKUP_OPTION, "Very blurry"]
        assert driver.find_elements(By.ID, "injected") == []
        assert driver.find_elements(By.ID, "injected-option") == []
        assert driver.find_elements(By.CSS_SELECTOR, "#panel script, #panel b, #panel i, #panel img") == []
        assert driver.execute_script("return window.pwned === undefined;")
        press(driver, "b", Keys.ENTER)
        current_id(driver, previous="q1")
    finally:
        server.kill()
    assert read_predictions(tmp_path / "ann1.jsonl")["q1"].response == "B"
