// The annotation page. Every text that comes from the dataset is set with textContent
// (never innerHTML), so markup in a question or an option shows as text.
"use strict";

const page = { index: 0, total: 0, question: null, shownAt: 0, busy: false };
const $ = (id) => document.getElementById(id);
const TYPE_NAMES = {
  single_choice: "single choice",
  multiple_choice: "multiple choice: select all that apply",
  true_false: "true or false",
  open_ended: "open-ended",
};
const HINTS = {
  single_choice: "Press a letter or digit to pick, Enter to confirm, Backspace to go back.",
  multiple_choice: "Letters or digits toggle options; Enter confirms, Backspace goes back.",
  true_false: "T or 1 = True, F or 2 = False; Enter confirms, Backspace goes back.",
  open_ended: "Type your answer; Enter confirms (Shift+Enter: new line); Esc leaves the box, then Backspace goes back.",
};

async function api(path, options) {
  const response = await fetch(path, options);
  let body = null;
  try {
    body = await response.json();
  } catch (error) {
    body = null;
  }
  if (!response.ok) {
    throw new Error((body && body.error) || `${response.status} ${response.statusText}`);
  }
  return body;
}

function setStatus(text) {
  $("status").textContent = text;
}

function makeBar(fraction) {
  const bar = document.createElement("div");
  bar.className = "bar";
  const fill = document.createElement("div");
  fill.className = "fill";
  fill.style.width = `${(100 * fraction).toFixed(1)}%`;
  bar.append(fill);
  return bar;
}

function renderProgress(state) {
  page.total = state.total;
  $("who").textContent = state.annotator;
  $("count").textContent = `${state.answered} / ${state.total} answered`;
  $("bar-all").style.width = `${state.total ? (100 * state.answered) / state.total : 0}%`;
  const cells = Object.entries(state.dimensions).map(([name, cell]) => {
    const item = document.createElement("div");
    item.className = "dimension";
    item.dataset.dimension = name;
    const label = document.createElement("span");
    label.textContent = `${name} ${cell.answered}/${cell.total}`;
    item.append(label, makeBar(cell.total ? cell.answered / cell.total : 0));
    return item;
  });
  $("dimensions").replaceChildren(...cells);
}

function choiceElement(question, key, text, position) {
  const label = document.createElement("label");
  label.className = "choice";
  const input = document.createElement("input");
  input.type = question.question_type === "multiple_choice" ? "checkbox" : "radio";
  input.name = "choice";
  input.value = key;
  input.id = `choice-${position}`;
  const keyLabel = document.createElement("span");
  keyLabel.className = "key";
  keyLabel.textContent = question.question_type === "true_false" ? `${position + 1}` : `${key}.`;
  const textLabel = document.createElement("span");
  textLabel.className = "choice-text";
  textLabel.textContent = text;
  label.append(input, keyLabel, textLabel);
  return label;
}

function renderQuestion(question) {
  $("meta").textContent =
    `Question ${question.index + 1} of ${page.total} · ${question.quality_dimension} · ` +
    TYPE_NAMES[question.question_type];
  $("question").textContent = question.question;
  $("annotate").dataset.questionId = question.id;
  $("hint").textContent = HINTS[question.question_type];
  const chosen = new Set((question.answer && question.answer.choice) || []);
  const choices = question.choices.map(([key, text], position) => {
    const element = choiceElement(question, key, text, position);
    element.querySelector("input").checked = chosen.has(key);
    return element;
  });
  $("choices").replaceChildren(...choices);
  const open = question.question_type === "open_ended";
  const text = $("text");
  text.hidden = !open;
  text.value = open && question.answer ? question.answer.text : "";
  const portrait = $("portrait");
  portrait.className = "fit";
  $("viewer").classList.remove("actual-size");
  portrait.src = `/api/images/${question.index}`;
  showZoom();
  if (open) {
    text.focus();
  } else if (document.activeElement) {
    document.activeElement.blur();
  }
}

async function show(index) {
  const state = await api("/api/state");
  renderProgress(state);
  if (index >= state.total) {
    showDone(state);
    return;
  }
  const question = await api(`/api/questions/${index}`);
  page.index = index;
  page.question = question;
  $("done").hidden = true;
  $("annotate").hidden = false;
  renderQuestion(question);
  setStatus("");
  page.shownAt = performance.now();
}

function showDone(state) {
  page.index = state.total;
  page.question = null;
  delete $("annotate").dataset.questionId;
  $("annotate").hidden = true;
  $("done").hidden = false;
  $("done-text").textContent = `${state.answered} of ${state.total} questions answered by ${state.annotator}.`;
}

function pick(position) {
  const inputs = $("choices").querySelectorAll("input");
  const input = inputs[position];
  if (!input) {
    return;
  }
  input.checked = input.type === "checkbox" ? !input.checked : true;
}

function pickByKey(key) {
  const question = page.question;
  if (question.question_type === "true_false") {
    const position = { T: 0, F: 1 }[key];
    if (position !== undefined) {
      pick(position);
    }
    return;
  }
  const position = question.choices.findIndex(([letter]) => letter === key);
  if (position >= 0) {
    pick(position);
  }
}

function collectAnswer() {
  if (page.question.question_type === "open_ended") {
    const text = $("text").value;
    return text.trim() ? { text } : null;
  }
  const choice = [...$("choices").querySelectorAll("input:checked")].map((input) => input.value);
  return choice.length ? { choice } : null;
}

async function confirmAnswer() {
  if (page.busy || !page.question) {
    return;
  }
  const answer = collectAnswer();
  if (!answer) {
    setStatus(page.question.question_type === "open_ended" ? "Type an answer first." : "Pick an option first.");
    return;
  }
  const latency = (performance.now() - page.shownAt) / 1000;
  page.busy = true;
  try {
    const state = await api(`/api/answers/${page.index}`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ id: page.question.id, latency_s: latency, ...answer }),
    });
    await show(state.next);
  } catch (error) {
    setStatus(`Not saved: ${error.message}`);
  } finally {
    page.busy = false;
  }
}

async function goBack() {
  if (page.busy || page.index === 0) {
    return;
  }
  page.busy = true;
  try {
    await show(page.index - 1);
  } catch (error) {
    setStatus(error.message);
  } finally {
    page.busy = false;
  }
}

function onKey(event) {
  if (event.ctrlKey || event.metaKey || event.altKey) {
    return;
  }
  if (event.target === $("text")) {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      confirmAnswer();
    } else if (event.key === "Escape") {
      $("text").blur();
    }
    return;
  }
  if (event.key === "Backspace") {
    event.preventDefault();
    goBack();
  } else if (event.key === "Enter") {
    event.preventDefault();
    confirmAnswer();
  } else if (page.question && page.question.question_type !== "open_ended") {
    if (/^[1-9]$/.test(event.key)) {
      pick(Number(event.key) - 1);
    } else if (/^[a-z]$/i.test(event.key)) {
      pickByKey(event.key.toUpperCase());
    }
  }
}

function showZoom() {
  const portrait = $("portrait");
  const size = portrait.naturalWidth ? `${portrait.naturalWidth} × ${portrait.naturalHeight} px · ` : "";
  const mode = portrait.classList.contains("actual")
    ? "shown at 100 % (click to fit the window)"
    : "fit to the window (click for 100 %)";
  $("zoom").textContent = size + mode;
}

function toggleZoom() {
  const portrait = $("portrait");
  const actual = portrait.classList.toggle("actual");
  portrait.classList.toggle("fit", !actual);
  $("viewer").classList.toggle("actual-size", actual);
  showZoom();
}

async function start() {
  document.addEventListener("keydown", onKey);
  $("answer-form").addEventListener("submit", (event) => {
    event.preventDefault();
    confirmAnswer();
  });
  $("back").addEventListener("click", goBack);
  $("done-back").addEventListener("click", goBack);
  $("viewer").addEventListener("click", toggleZoom);
  $("portrait").addEventListener("load", showZoom);
  try {
    const state = await api("/api/state");
    await show(state.resume_at);
  } catch (error) {
    setStatus(error.message);
  }
}

start();
