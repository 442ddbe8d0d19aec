"""Known answers: realistic MLLM responses and the options they commit to.

Each row is (response, options, question_type, expected); expected is the tuple of
option texts, or None when the response commits to nothing usable.
"""

from __future__ import annotations

import pytest

from qbench_portrait_lib.scoring.extract import extract_answer

SHARPNESS = ("Sharp", "Slightly blurry", "Very blurry")
EXPOSURE = ("Very low", "Low", "Medium", "High")
REGIONS = ("Eyes", "Hair", "Background", "Mouth")
TRUE_FALSE = ("True", "False")
# Option lists of the second review.
LEVELS = ("Very low", "Low", "Medium", "High")
ARTIFACTS = ("Blur", "Noise", "JPEG blocking", "Color cast")
ARTIFACTS_2 = ("Blur", "Noise", "Overexposure", "Color cast")
BLUR_JPEG = ("Blur", "JPEG blocking")
# Ten options: the letter I names "Hand malformation".
DEFECTS = (
    "Blur",
    "Noise",
    "Overexposure",
    "Underexposure",
    "Color cast",
    "JPEG artifacts",
    "Banding",
    "Moire",
    "Hand malformation",
    "Extra fingers",
)

SC, MC, TF = "single_choice", "multiple_choice", "true_false"

COT_OPTIONS = (
    "Let's analyze the image step by step.\n1. The eyes: slightly soft.\n"
    "2. The hair: fine strands are smeared.\nConsidering the options:\n"
    "A. Sharp - no\nB. Slightly blurry - yes\nC. Very blurry - no\n\nTherefore, the answer is B."
)

KNOWN_ANSWERS = [
    # --- single choice: bare letters and markup
    ("B", SHARPNESS, SC, ("Slightly blurry",)),
    ("B.", SHARPNESS, SC, ("Slightly blurry",)),
    ("B)", SHARPNESS, SC, ("Slightly blurry",)),
    ("(B)", SHARPNESS, SC, ("Slightly blurry",)),
    ("[B]", SHARPNESS, SC, ("Slightly blurry",)),
    ("**B**", SHARPNESS, SC, ("Slightly blurry",)),
    ("**B. Slightly blurry**", SHARPNESS, SC, ("Slightly blurry",)),
    ("Ｃ", SHARPNESS, SC, ("Very blurry",)),
    ("（Ｂ）", SHARPNESS, SC, ("Slightly blurry",)),
    (
        "B\n\nThe subject's face shows mild softness, likely from camera shake.",
        SHARPNESS,
        SC,
        ("Slightly blurry",),
    ),
    ("B is correct.", SHARPNESS, SC, ("Slightly blurry",)),
    # --- the letter A versus the article "a"
    ("A", SHARPNESS, SC, ("Sharp",)),
    ("A.", SHARPNESS, SC, ("Sharp",)),
    ("(A)", SHARPNESS, SC, ("Sharp",)),
    ("Answer: A", SHARPNESS, SC, ("Sharp",)),
    ("a pretty girl with a blurry face", SHARPNESS, SC, None),
    ("A slight blur is visible around the eyes, so the answer is B.", SHARPNESS, SC, ("Slightly blurry",)),
    ("Answer: A slight blur is present, so B.", SHARPNESS, SC, ("Slightly blurry",)),
    # --- answer statements
    ("Answer: B", SHARPNESS, SC, ("Slightly blurry",)),
    ("The answer is B.", SHARPNESS, SC, ("Slightly blurry",)),
    ("The answer is (C) Very blurry.", SHARPNESS, SC, ("Very blurry",)),
    ("Option B", SHARPNESS, SC, ("Slightly blurry",)),
    ("The correct option is B: Slightly blurry.", SHARPNESS, SC, ("Slightly blurry",)),
    ("The best answer is B) Slightly blurry", SHARPNESS, SC, ("Slightly blurry",)),
    ("I'd go with C.", SHARPNESS, SC, ("Very blurry",)),
    ("Answer: b", SHARPNESS, SC, ("Slightly blurry",)),
    ("I think the answer is B because the edges are soft.", SHARPNESS, SC, ("Slightly blurry",)),
    ("### Final Answer\n\n**(C)**", SHARPNESS, SC, ("Very blurry",)),
    ("The answer is: **Option C - Very blurry**", SHARPNESS, SC, ("Very blurry",)),
    ("The face is very blurry, so C.", SHARPNESS, SC, ("Very blurry",)),
    ("答案是B", SHARPNESS, SC, ("Slightly blurry",)),
    ("答案：Ｂ", SHARPNESS, SC, ("Slightly blurry",)),
    ("答案是（Ｃ）", SHARPNESS, SC, ("Very blurry",)),
    ("答案：C。因为整张图片都很模糊。", SHARPNESS, SC, ("Very blurry",)),
    ("我选B。", SHARPNESS, SC, ("Slightly blurry",)),
    ("\\boxed{B}", SHARPNESS, SC, ("Slightly blurry",)),
    ("The final result is $\\boxed{\\text{C}}$.", SHARPNESS, SC, ("Very blurry",)),
    ('{"answer": "B"}', SHARPNESS, SC, ("Slightly blurry",)),
    ('```json\n{"answer": "C", "reason": "motion blur"}\n```', SHARPNESS, SC, ("Very blurry",)),
    ('{"answer": "Slightly blurry"}', SHARPNESS, SC, ("Slightly blurry",)),
    # --- reasoning blocks and the last statement
    ("<think>The face seems sharp, so A.</think>\nC", SHARPNESS, SC, ("Very blurry",)),
    ("<think>The face seems sharp, so A. But the eyes", SHARPNESS, SC, None),
    (
        "I first thought A. Looking at the eyes again, they are soft. Final answer: C",
        SHARPNESS,
        SC,
        ("Very blurry",),
    ),
    (COT_OPTIONS, SHARPNESS, SC, ("Slightly blurry",)),
    ("Answer: A. Wait, the hair is smeared. Corrected answer: B", SHARPNESS, SC, ("Slightly blurry",)),
    # --- option texts
    ("Slightly blurry", SHARPNESS, SC, ("Slightly blurry",)),
    ("The face in the photo looks slightly blurry overall.", SHARPNESS, SC, ("Slightly blurry",)),
    (
        "Based on the image, the face is not sharp; it is slightly blurry.",
        SHARPNESS,
        SC,
        ("Slightly blurry",),
    ),
    ("Very low", EXPOSURE, SC, ("Very low",)),
    ("The exposure level is very low.", EXPOSURE, SC, ("Very low",)),
    ("Low", EXPOSURE, SC, ("Low",)),
    ("The exposure is low, not very low.", EXPOSURE, SC, ("Low",)),
    # --- commits to nothing
    ("A or B", SHARPNESS, SC, None),
    ("It is either A or B.", SHARPNESS, SC, None),
    ("Answer: A or B", SHARPNESS, SC, None),
    ("A. Sharp\nB. Slightly blurry\nC. Very blurry", SHARPNESS, SC, None),
    ("I cannot determine the sharpness from this image.", SHARPNESS, SC, None),
    ("", SHARPNESS, SC, None),
    ("   \n ", SHARPNESS, SC, None),
    (None, SHARPNESS, SC, None),
    ("E", SHARPNESS, SC, None),
    ("The answer is D.", SHARPNESS, SC, None),
    ("A, C", SHARPNESS, SC, None),
    (
        "The image shows a portrait of a woman. The lighting is soft and the background is dark.",
        SHARPNESS,
        SC,
        None,
    ),
    ("Sharp or slightly blurry, hard to say.", SHARPNESS, SC, None),
    # --- the letter I with ten options
    ("I", DEFECTS, SC, ("Hand malformation",)),
    ("I.", DEFECTS, SC, ("Hand malformation",)),
    ("I think the answer is I.", DEFECTS, SC, ("Hand malformation",)),
    ("I see noise in the background.", DEFECTS, SC, ("Noise",)),
    ("I", SHARPNESS, SC, None),
    # --- multiple choice
    ("A, C", REGIONS, MC, ("Eyes", "Background")),
    ("A and C", REGIONS, MC, ("Eyes", "Background")),
    ("AC", REGIONS, MC, ("Eyes", "Background")),
    ("(A)(C)", REGIONS, MC, ("Eyes", "Background")),
    ("A、C", REGIONS, MC, ("Eyes", "Background")),
    ("A\nC", REGIONS, MC, ("Eyes", "Background")),
    ('["A", "C"]', REGIONS, MC, ("Eyes", "Background")),
    ('{"answer": ["B", "D"]}', REGIONS, MC, ("Hair", "Mouth")),
    ("Answer: B, C, D", REGIONS, MC, ("Hair", "Background", "Mouth")),
    ("The blurred regions are the eyes and the background.", REGIONS, MC, ("Eyes", "Background")),
    ("A. Eyes\nC. Background", REGIONS, MC, ("Eyes", "Background")),
    ("A. Eyes\nB. Hair\nC. Background\nD. Mouth", REGIONS, MC, None),
    ("\\boxed{A, D}", REGIONS, MC, ("Eyes", "Mouth")),
    ("Final answer: A, B, C, D", REGIONS, MC, REGIONS),
    ("A or C", REGIONS, MC, None),
    ("答案是A和C", REGIONS, MC, ("Eyes", "Background")),
    ("<think>Eyes look sharp; hair is soft.</think>\n\nB", REGIONS, MC, ("Hair",)),
    ("I'm not sure which regions are affected.", REGIONS, MC, None),
    ("Options A and D", REGIONS, MC, ("Eyes", "Mouth")),
    ("The correct options are A, C and D.", REGIONS, MC, ("Eyes", "Background", "Mouth")),
    ("E", REGIONS, MC, None),
    ("**Answer:** A, C\n\nThe eyes and the background both show noise.", REGIONS, MC, ("Eyes", "Background")),
    ("Eyes (A), Background (C)", REGIONS, MC, ("Eyes", "Background")),
    ("- A\n- C", REGIONS, MC, ("Eyes", "Background")),
    ("The eyes (A) and hair (B) are blurred.", REGIONS, MC, ("Eyes", "Hair")),
    ("Answer: A, C, E", REGIONS, MC, None),
    ("A/C", REGIONS, MC, ("Eyes", "Background")),  # issue 9: a slash lists both in select-all
    ("Selected options: A, C", REGIONS, MC, ("Eyes", "Background")),
    # --- true / false
    ("True", TRUE_FALSE, TF, ("True",)),
    ("False.", TRUE_FALSE, TF, ("False",)),
    ("Yes", TRUE_FALSE, TF, ("True",)),
    ("No.", TRUE_FALSE, TF, ("False",)),
    ("Nope, the eyes are not in focus.", TRUE_FALSE, TF, ("False",)),
    ("Yes, the hands look natural.", TRUE_FALSE, TF, ("True",)),
    ("The statement is not true.", TRUE_FALSE, TF, ("False",)),
    ("This is not correct: the background is sharp.", TRUE_FALSE, TF, ("False",)),
    ("I don't know.", TRUE_FALSE, TF, None),
    ("There is noticeable noise in the shadows; note the grain on the cheeks.", TRUE_FALSE, TF, None),
    ("Notably, the skin looks waxy.", TRUE_FALSE, TF, None),
    ("Answer: False", TRUE_FALSE, TF, ("False",)),
    ("答案：正确", TRUE_FALSE, TF, ("True",)),
    ("错误", TRUE_FALSE, TF, ("False",)),
    ("<think>Looks true at first... but the fingers are fused.</think> False", TRUE_FALSE, TF, ("False",)),
    ("True or False", TRUE_FALSE, TF, None),
    ("I cannot determine whether this statement is true.", TRUE_FALSE, TF, None),
    ("The statement is correct. The eyes are tack sharp.", TRUE_FALSE, TF, ("True",)),
    ("Incorrect", TRUE_FALSE, TF, ("False",)),
    ("Not true.", TRUE_FALSE, TF, ("False",)),
    ('{"answer": "True"}', TRUE_FALSE, TF, ("True",)),
    ("\\boxed{False}", TRUE_FALSE, TF, ("False",)),
    ("There is no visible blur, so the statement is false.", TRUE_FALSE, TF, ("False",)),
    ("The answer is yes.", TRUE_FALSE, TF, ("True",)),
    ("It's true that the photo is a bit dark.", TRUE_FALSE, TF, ("True",)),
    ("No blur is visible on the face.", TRUE_FALSE, TF, None),
    ("", TRUE_FALSE, TF, None),
    ("TRUE", ("False", "True"), TF, ("True",)),
    # --- review findings: a line break ends a letter list unless the line holds just the
    # next item in the form of the first ("C", or "C. <option text>")
    ("A\nB. Hair is fine", REGIONS, MC, ("Eyes",)),
    ("A and C.\nB. The hair is sharp.", REGIONS, MC, ("Eyes", "Background")),
    ("Answer: A, C\nB: not blurred", REGIONS, MC, ("Eyes", "Background")),
    ("Answer: A\nB. Hair\nC. Background\nD. Mouth", REGIONS, MC, ("Eyes",)),
    # after an explicit "Answer:" every option listed is the answer (no marker: an echo, None)
    ("Answer:\nA. Eyes\nB. Hair\nC. Background\nD. Mouth", REGIONS, MC, REGIONS),
    ("The correct answers are:\nA. Eyes\nC. Background", REGIONS, MC, ("Eyes", "Background")),
    ("A\nC\nD", REGIONS, MC, ("Eyes", "Background", "Mouth")),
    ("- A\n- C\n\nExplanation: B is sharp.", REGIONS, MC, ("Eyes", "Background")),
    ("(A) Eyes\n(C) Background", REGIONS, MC, ("Eyes", "Background")),
    ("A\n\nB. Hair is also slightly soft but not blurred.", REGIONS, MC, ("Eyes",)),
    ("Eyes\nBackground", REGIONS, MC, ("Eyes", "Background")),
    ("Eyes\nHair is fine", REGIONS, MC, ("Eyes",)),
    ("Final answer: B\nC. Very blurry would need more smearing.", SHARPNESS, SC, ("Slightly blurry",)),
    # --- a comma after a soft marker
    ("Therefore, C.", SHARPNESS, SC, ("Very blurry",)),
    ("So, B.", SHARPNESS, SC, ("Slightly blurry",)),
    ("I think, B.", SHARPNESS, SC, ("Slightly blurry",)),
    ("Hence, C.", SHARPNESS, SC, ("Very blurry",)),
    ("Therefore, A and C.", REGIONS, MC, ("Eyes", "Background")),
    # --- negation or a question after an option text or a letter
    ("The eyes are not blurred.", REGIONS, MC, None),
    ("The eyes are not blurred but the background is.", REGIONS, MC, ("Background",)),
    ("The eyes were not affected, only the hair.", REGIONS, MC, ("Hair",)),
    ("The eyes aren't blurry.", REGIONS, MC, None),
    ("The eyes don't look blurry, but the background does.", REGIONS, MC, ("Background",)),
    ("The eyes and hair are not blurred; the mouth is.", REGIONS, MC, ("Mouth",)),
    ("Hair and background aren't affected.", REGIONS, MC, None),
    ("Eyes are not blurred, hair is.", REGIONS, MC, ("Hair",)),
    ("Sharp is incorrect; it is slightly blurry.", SHARPNESS, SC, ("Slightly blurry",)),
    ("B is wrong.", SHARPNESS, SC, None),
    ("A is incorrect.", SHARPNESS, SC, None),
    ("C is not the answer; it's B.", SHARPNESS, SC, ("Slightly blurry",)),
    ("Sharp? No. Very blurry.", SHARPNESS, SC, ("Very blurry",)),
    ("Is the face sharp? The face is slightly blurry.", SHARPNESS, SC, ("Slightly blurry",)),
    ("Hair? No. Background? Yes.", REGIONS, MC, ("Background",)),
    # --- compact letter runs: strictly increasing capitals within the options
    ("BAD", REGIONS, MC, None),
    ("ACD", REGIONS, MC, ("Eyes", "Background", "Mouth")),
    ("Answer: ABC", REGIONS, MC, ("Eyes", "Hair", "Background")),
    ("CA", REGIONS, MC, None),
    ("ADD", REGIONS, MC, None),
    # --- a letter after a final colon; Chinese soft markers and 答
    ("Based on the analysis: B.", SHARPNESS, SC, ("Slightly blurry",)),
    ("All of them: A, B, C, D", REGIONS, MC, REGIONS),
    ("我认为是B", SHARPNESS, SC, ("Slightly blurry",)),
    ("答：B", SHARPNESS, SC, ("Slightly blurry",)),
    ("我觉得选A和C", REGIONS, MC, ("Eyes", "Background")),
    ("回答：A", SHARPNESS, SC, ("Sharp",)),
    # --- true / false: both verdicts offered, negated opinions, questions, "Yes it is"
    ("Yes and no.", TRUE_FALSE, TF, None),
    ("True and False", TRUE_FALSE, TF, None),
    ("yes/no", TRUE_FALSE, TF, None),
    ("Answer: yes and no", TRUE_FALSE, TF, None),
    ("It's not true or false, it's ambiguous.", TRUE_FALSE, TF, None),
    ("This is a yes/no question. The eyes are sharp, so yes.", TRUE_FALSE, TF, ("True",)),
    ("I wouldn't say it's true.", TRUE_FALSE, TF, ("False",)),
    ("I would not say that's correct.", TRUE_FALSE, TF, ("False",)),
    ("I don't think it's true.", TRUE_FALSE, TF, ("False",)),
    ("I don't think the statement is true.", TRUE_FALSE, TF, ("False",)),
    ("I don't think it's false; the eyes are sharp.", TRUE_FALSE, TF, ("True",)),
    ("I don't know if it's true.", TRUE_FALSE, TF, None),
    ("Whether it is true depends on the crop; I'd say false.", TRUE_FALSE, TF, ("False",)),
    ("Yes it is.", TRUE_FALSE, TF, ("True",)),
    ("No it isn't.", TRUE_FALSE, TF, ("False",)),
    ("Is it true? No.", TRUE_FALSE, TF, ("False",)),
    ("True or false? It's false.", TRUE_FALSE, TF, ("False",)),
    ("The statement is true? No, it's false.", TRUE_FALSE, TF, ("False",)),
    ("Is the hand malformed? Yes. So the statement is true.", TRUE_FALSE, TF, ("True",)),
    ("It's true, isn't it?", TRUE_FALSE, TF, ("True",)),
    ("Yes and no blur is visible, so it's true.", TRUE_FALSE, TF, ("True",)),
    ("I don't think there is blur, so it's true.", TRUE_FALSE, TF, ("True",)),
    # --- more probes around the same rules
    ("The photo is slightly blurry, isn't it?", SHARPNESS, SC, ("Slightly blurry",)),
    ("Is it sharp or very blurry? Very blurry.", SHARPNESS, SC, ("Very blurry",)),
    ("Verdict: C", SHARPNESS, SC, ("Very blurry",)),
    ("A, C.\n\nB. Hair: sharp\nD. Mouth: sharp", REGIONS, MC, ("Eyes", "Background")),
    ("Answer:\n- A. Eyes\n- C. Background", REGIONS, MC, ("Eyes", "Background")),
    # --- second review: after a letter only its own option text is skipped, never another
    # option's; a negation after a letter list negates the item it follows
    ("The answer is B. High is not correct.", LEVELS, SC, ("Low",)),
    ("B. High is wrong.", LEVELS, SC, ("Low",)),
    ("The answer is A, C. Noise is not present.", ARTIFACTS, MC, BLUR_JPEG),
    ("The answer is B. Medium (C) is not right.", LEVELS, SC, ("Low",)),
    ("Answer: B. High (D) is not correct.", LEVELS, SC, ("Low",)),
    ("The answer is A, C. Noise (B) is not present.", ARTIFACTS, MC, BLUR_JPEG),
    ("A, C. Noise (B) was not observed.", ARTIFACTS, MC, BLUR_JPEG),
    ("B. Low is wrong.", LEVELS, SC, None),
    ("A and C are wrong.", ARTIFACTS, MC, None),
    # --- one item per line with an explanation on each line
    (
        "A. Blur - the edges are soft.\nC. JPEG blocking - 8x8 blocks are visible in the sky.",
        ARTIFACTS,
        MC,
        BLUR_JPEG,
    ),
    ("A. Blur: the face is soft.\nC. JPEG blocking: blocks in the sky.", ARTIFACTS, MC, BLUR_JPEG),
    ("A. Blur (face is soft)\nC. JPEG blocking (sky)", ARTIFACTS, MC, BLUR_JPEG),
    ("- A. Blur, visible on the face\n- C. JPEG blocking, visible in the sky", ARTIFACTS, MC, BLUR_JPEG),
    ("A - blur on the face\nC - blocking in the sky", ARTIFACTS, MC, BLUR_JPEG),
    ("A\nC. JPEG blocking", ARTIFACTS, MC, BLUR_JPEG),
    ("A. Blur\nB. Noise\nC. JPEG blocking\nD. Color cast", ARTIFACTS, MC, None),
    ("Answer: A\nB. Low\nC. Medium", LEVELS, SC, ("Very low",)),
    ("A. Blur - soft.\nB. Hair is fine", ARTIFACTS, MC, ("Blur",)),
    ("B. Slightly blurry\nC. Very blurry would need more smearing.", SHARPNESS, SC, ("Slightly blurry",)),
    ("A. Eyes - yes\nB. Hair - no\nC. Background - yes", REGIONS, MC, ("Eyes", "Background")),
    ("A. Eyes\nThe hair is sharp.\nC. Background", REGIONS, MC, ("Eyes",)),
    # --- a negated item inside a list, a checklist, both verdicts denied
    ("A, C (B is absent)", ARTIFACTS, MC, BLUR_JPEG),
    ("A, C; B is absent", ARTIFACTS, MC, BLUR_JPEG),
    ("- A: no\n- B: no\n- C: yes\n- D: no", ARTIFACTS_2, SC, ("Overexposure",)),
    ("Not true, not false: the image is ambiguous.", TRUE_FALSE, TF, None),
    # --- after an explicit answer marker: compact runs in any order, a full list
    ("Answer: DB", ARTIFACTS, MC, ("Noise", "Color cast")),
    ("Answer: DA", ARTIFACTS, MC, ("Blur", "Color cast")),
    ("The answer is CA.", ARTIFACTS, MC, BLUR_JPEG),
    ("BAD", ARTIFACTS, MC, None),
    ("Answer:\nA. Blur\nB. Noise\nC. JPEG blocking\nD. Color cast", ARTIFACTS, MC, ARTIFACTS),
    # --- "only", "not A but B", bare negative replies
    ("Only A.", LEVELS, SC, ("Very low",)),
    ("The answer is not A but B.", LEVELS, SC, ("Low",)),
    ("The answer is not A.", LEVELS, SC, None),
    ("Definitely not.", TRUE_FALSE, TF, ("False",)),
    ("Not at all.", TRUE_FALSE, TF, ("False",)),
    ("I don't think so.", TRUE_FALSE, TF, ("False",)),
    ("Not really sure.", TRUE_FALSE, TF, None),
    ("Not really, the face is quite sharp.", TRUE_FALSE, TF, ("False",)),
    ("True/False: False", TRUE_FALSE, TF, ("False",)),
    ("Yes and no: it depends on the crop.", TRUE_FALSE, TF, None),
]


@pytest.mark.parametrize(
    ("response", "options", "question_type", "expected"),
    KNOWN_ANSWERS,
    ids=[f"{i:03d}-{(r or 'None')[:30]!r}" for i, (r, *_rest) in enumerate(KNOWN_ANSWERS)],
)
def test_known_answer(response, options, question_type, expected):
    assert extract_answer(response, options, question_type) == expected


def test_table_is_large_and_covers_every_format():
    assert len(KNOWN_ANSWERS) >= 80
    for question_type in (SC, MC, TF):
        rows = [row for row in KNOWN_ANSWERS if row[2] == question_type]
        assert any(row[3] is None for row in rows)
        assert any(row[3] is not None for row in rows)
