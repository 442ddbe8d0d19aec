"""Known answers for the hard forms of issue 9: statements, letters on true/false,
conclusions after elimination, Chinese, multi-select forms, conflicts, option substrings.

Each row is (response, options, question_type, expected, question); expected is the tuple
of option texts, or None when the response commits to nothing usable. These examples are
new, written for the rules; the held-out set (tests/heldout/) is never copied here.
"""

from __future__ import annotations

import pytest

from qbench_portrait_lib.scoring.extract import extract_answer, extract_reading

TF = ("True", "False")
SHARPNESS = ("Sharp", "Slightly blurry", "Very blurry")
ARTIFACTS = ("Blur", "Noise", "JPEG blocking", "Color cast")
REGIONS = ("Eyes", "Hair", "Background", "Mouth")
BLURS = ("Blur", "Motion blur", "Noise")
EXPOSURE = ("Underexposed", "Well exposed", "Overexposed")
WITH_NONE = ("Blur", "Noise", "None of the above")
BN = ("Blur", "Noise")
SC, MC, TFQ = "single_choice", "multiple_choice", "true_false"

STATEMENTS = [
    # the claim of the question against the response's affirmation or denial
    ("The cheeks look smooth and plasticky.", "The skin on the cheeks looks natural.", ("False",)),
    ("The cheeks show real pores and fine hair.", "The skin on the cheeks looks natural.", ("True",)),
    ("The wall behind her is perfectly clean.", "The background is noisy.", ("False",)),
    ("There is heavy grain in the wall behind her.", "The background is noisy.", ("True",)),
    (
        "Both hands have five fingers and look anatomically correct.",
        "The hand has extra fingers.",
        ("False",),
    ),
    ("The right hand clearly has six fingers.", "The hand has extra fingers.", ("True",)),
    ("That's correct.", "The nose is in focus.", ("True",)),
    ("That's not accurate at all.", "The nose is in focus.", ("False",)),
    ("Nope, it looks perfectly fine.", "The lips are distorted.", ("False",)),
    ("The lashes are crisp and well defined.", "The eyes are blurry.", ("False",)),
    ("The lashes are not crisp.", "The eyes are sharp.", ("False",)),
    ("The lashes aren't blurry.", "The eyes are sharp.", ("True",)),
    ("The forehead is blown out and the highlights are clipped.", "The face is well exposed.", ("False",)),
    ("Everything sits in deep shadow; it is far too dark.", "The photo is overexposed.", ("False",)),
    ("It is overexposed, with no detail left in the sky.", "The photo is overexposed.", ("True",)),
    ("I agree.", "The composition is balanced.", ("True",)),
    ("I don't agree.", "The composition is balanced.", ("False",)),
    ("I disagree with that.", "The composition is balanced.", ("False",)),
    ("The skin does not look artificial.", "The skin looks natural.", ("True",)),
    ("The chin is sharp while the ears are soft.", "The chin is blurred.", ("False",)),
    ("The eyes are sharp but the hair is soft.", "The portrait is sharp.", None),
    ("I can't really tell, the image is tiny.", "The portrait is sharp.", None),
    ("There is a strong magenta tint on the skin.", "The colors are neutral.", ("False",)),
    ("Definitely.", "The eyes are symmetric.", ("True",)),
    ("The statement holds.", "The eyes are symmetric.", ("True",)),
    ("The eyes look mismatched and misshapen.", "The eyes are symmetric.", ("False",)),
    ("The sign in the back is a jumble of unreadable glyphs.", "The text is legible.", ("False",)),
    ("The lighting is flat and even across the face.", "The lighting is harsh.", ("False",)),
    ("The hair is smeared by motion.", "The hair shows motion blur.", ("True",)),
    ("Not at all — the shot is crisp.", "The portrait is blurry.", ("False",)),
    ("Yes — the gradient on the wall breaks into bands.", "The background shows banding.", ("True",)),
    ("The hands are hidden behind the back.", "The hand has extra fingers.", None),
    ("Nope, it's fine.", "The skin texture looks natural.", ("False",)),
    ("That's accurate.", "The skin texture looks natural.", ("True",)),
    ("The hands look anatomically correct with five fingers.", "The hand has extra fingers.", ("False",)),
    ("If it were sharp the lashes would be visible; they are not.", "The eyes are sharp.", None),
    ("Is the face sharp? Hard to say.", "The face is sharp.", None),
]

FORMS = [
    # letters on true/false questions: the prompt lists A. True, B. False
    ("A", TF, TFQ, ("True",)),
    ("(B)", TF, TFQ, ("False",)),
    ("Answer: B", TF, TFQ, ("False",)),
    ("Option A", TF, TFQ, ("True",)),
    ("B) False", TF, TFQ, ("False",)),
    ("B. True", TF, TFQ, None),
    ("The answer is (A) True.", TF, TFQ, ("True",)),
    ("选A", TF, TFQ, ("True",)),
    # conclusions after elimination: the last conclusion wins
    (
        "A is unlikely since the edges are crisp, C would show blocks; so the answer is B.",
        ARTIFACTS,
        SC,
        ("Noise",),
    ),
    ("By elimination: C.", ARTIFACTS, SC, ("JPEG blocking",)),
    ("Not A. Not B. Not D. C.", ARTIFACTS, SC, ("JPEG blocking",)),
    ("At first glance A, but the grain says otherwise, so B.", ARTIFACTS, SC, ("Noise",)),
    ("Ruling out sharp and very blurry leaves slightly blurry.", SHARPNESS, SC, ("Slightly blurry",)),
    ("Sharp? No. Very blurry? No. That leaves B.", SHARPNESS, SC, ("Slightly blurry",)),
    ("It can't be A or C, so it must be B.", SHARPNESS, SC, ("Slightly blurry",)),
    ("I first picked A, but I'll switch to C.", SHARPNESS, SC, ("Very blurry",)),
    # Chinese forms
    ("选D", ARTIFACTS, SC, ("Color cast",)),
    ("应选C。", ARTIFACTS, SC, ("JPEG blocking",)),
    ("应该选 B", ARTIFACTS, SC, ("Noise",)),
    ("正确", TF, TFQ, ("True",)),
    ("错误", TF, TFQ, ("False",)),
    ("否", TF, TFQ, ("False",)),
    ("是", TF, TFQ, ("True",)),
    ("对。", TF, TFQ, ("True",)),
    ("不对。", TF, TFQ, ("False",)),
    ("主要问题是色偏。", ARTIFACTS, SC, ("Color cast",)),
    ("噪点很多。", ARTIFACTS, SC, ("Noise",)),
    ("背景和嘴巴", REGIONS, MC, ("Background", "Mouth")),
    ("不是噪声，而是模糊。", ARTIFACTS, SC, ("Blur",)),
    ("模糊还是噪声？难说。", ARTIFACTS, SC, None),
    ("曝光不足", EXPOSURE, SC, ("Underexposed",)),
    ("运动模糊", BLURS, SC, ("Motion blur",)),
    # multi-select forms
    ("B C", REGIONS, MC, ("Hair", "Background")),
    ("A/D", REGIONS, MC, ("Eyes", "Mouth")),
    ("A/D", (*SHARPNESS, "Noisy"), SC, None),
    ("1) A 2) D", REGIONS, MC, ("Eyes", "Mouth")),
    ("1. B\n2. D", REGIONS, MC, ("Hair", "Mouth")),
    ("All of the above", REGIONS, MC, REGIONS),
    ("all of them, honestly", ARTIFACTS, MC, ARTIFACTS),
    ("All of the above apart from B.", REGIONS, MC, ("Eyes", "Background", "Mouth")),
    ("Everything except the mouth.", REGIONS, MC, ("Eyes", "Hair", "Background")),
    ("None of them.", REGIONS, MC, None),
    ("None of the above.", WITH_NONE, SC, ("None of the above",)),
    ("All of the above.", SHARPNESS, SC, None),
    ("A and B, not C.", REGIONS, MC, ("Eyes", "Hair")),
    ("C is fine; A and D are blurred.", REGIONS, MC, ("Eyes", "Mouth")),
    ("The hair is fine, the eyes and mouth are blurred.", REGIONS, MC, ("Eyes", "Mouth")),
    # a letter and a text that disagree: a conflict, unless the text restates the letter
    ("C. Noise", ARTIFACTS, SC, None),
    ("C. JPEG blocking", ARTIFACTS, SC, ("JPEG blocking",)),
    ("Answer: B (Color cast)", ARTIFACTS, SC, None),
    ("D - Blur", ARTIFACTS, SC, None),
    ("A (Very blurry)", SHARPNESS, SC, None),
    ("The answer is C: Very blurry.", SHARPNESS, SC, ("Very blurry",)),
    # substrings of options
    ("The face is blur (not motion blur, only defocus).", BLURS, SC, ("Blur",)),
    ("Motion blur from a slow shutter.", BLURS, SC, ("Motion blur",)),
    ("Blur rather than noise.", BLURS, SC, ("Blur",)),
]


# Second round: new examples of the kinds where the held-out set showed gaps (written
# fresh, not copied from it): eliminations, echoed questions, inflected option names,
# markdown, checklists and multi-select lists.
SECOND_ROUND = [
    ("Could it be D? No tint. A? Edges are fine. So: B.", ARTIFACTS, SC, ("Noise",)),
    ("Ruling out A and D, I'm left with B and C; the grain decides it: B.", ARTIFACTS, SC, ("Noise",)),
    ("First impression: C. On closer inspection though, it's really A.", ARTIFACTS, SC, ("Blur",)),
    (
        "Not C, that would need visible blocks. Not D either. The grain points to B.",
        ARTIFACTS,
        SC,
        ("Noise",),
    ),
    ("A? no. B? no. C? yes.", ARTIFACTS, SC, ("JPEG blocking",)),
    ("It's definitely not A; I'd lean towards C.", ARTIFACTS, SC, ("JPEG blocking",)),
    ("The option that remains after elimination: D.", ARTIFACTS, SC, ("Color cast",)),
    (
        "Sharp is out, very blurry is too strong, leaving slightly blurry.",
        SHARPNESS,
        SC,
        ("Slightly blurry",),
    ),
    (
        "Eliminate A (no blur), eliminate C (no blocking), eliminate D (no tint) -> B",
        ARTIFACTS,
        SC,
        ("Noise",),
    ),
    ("Best fit: B.", ARTIFACTS, SC, ("Noise",)),
    ("B seems most plausible.", ARTIFACTS, SC, ("Noise",)),
    ("Option C is the best match, as A and B don't fit.", ARTIFACTS, SC, ("JPEG blocking",)),
    ("A is too strong and C too weak, so B it is.", SHARPNESS, SC, ("Slightly blurry",)),
    ("Which distortion is most visible? Noise, there's grain in the shadows.", ARTIFACTS, SC, ("Noise",)),
    ("Q: Which regions are blurred? A: Hair, background.", REGIONS, MC, ("Hair", "Background")),
    ("How well exposed is the face? I'd say it's overexposed.", EXPOSURE, SC, ("Overexposed",)),
    ("Question: How sharp is the face?\nAnswer: B", SHARPNESS, SC, ("Slightly blurry",)),
    (
        "You asked whether the face is sharp, slightly blurry or very blurry. It's very blurry.",
        SHARPNESS,
        SC,
        ("Very blurry",),
    ),
    (
        "The face is: A. Sharp B. Slightly blurry C. Very blurry. My answer: C",
        SHARPNESS,
        SC,
        ("Very blurry",),
    ),
    (
        "Is the face sharp, slightly blurry or very blurry? Slightly blurry.",
        SHARPNESS,
        SC,
        ("Slightly blurry",),
    ),
    ("Not motion blur, just regular blur.", BLURS, SC, ("Blur",)),
    ("It looks blurred rather than noisy.", BN, SC, ("Blur",)),
    ("The photo is noisy.", BN, SC, ("Noise",)),
    ("Overexposed, not underexposed.", EXPOSURE, SC, ("Overexposed",)),
    ("Slightly blurry rather than very blurry.", SHARPNESS, SC, ("Slightly blurry",)),
    ("**Final Answer: (B)**", ARTIFACTS, SC, ("Noise",)),
    ("## Answer\n\nC", ARTIFACTS, SC, ("JPEG blocking",)),
    ("> Answer: **D**", ARTIFACTS, SC, ("Color cast",)),
    (
        "- [x] Blur\n- [ ] Noise\n- [x] JPEG blocking\n- [ ] Color cast",
        ARTIFACTS,
        MC,
        ("Blur", "JPEG blocking"),
    ),
    ("`B`", ARTIFACTS, SC, ("Noise",)),
    ("__Answer__: A", ARTIFACTS, SC, ("Blur",)),
    ("***C***", ARTIFACTS, SC, ("JPEG blocking",)),
    ("__C__", ARTIFACTS, SC, ("JPEG blocking",)),
    ("A,C,D", REGIONS, MC, ("Eyes", "Background", "Mouth")),
    ("A; C", REGIONS, MC, ("Eyes", "Background")),
    ("Hair & mouth", REGIONS, MC, ("Hair", "Mouth")),
    ("Eyes + background", REGIONS, MC, ("Eyes", "Background")),
    ("B and D only.", REGIONS, MC, ("Hair", "Mouth")),
    ("Options A and D.", REGIONS, MC, ("Eyes", "Mouth")),
    ("A (eyes) and C (background)", REGIONS, MC, ("Eyes", "Background")),
    ("The blurred regions: eyes, mouth.", REGIONS, MC, ("Eyes", "Mouth")),
    ("All except hair.", REGIONS, MC, ("Eyes", "Background", "Mouth")),
    ("Both the eyes and the hair.", REGIONS, MC, ("Eyes", "Hair")),
    ("A, C, and D are all present.", ARTIFACTS, MC, ("Blur", "JPEG blocking", "Color cast")),
    ("Blur: yes. Noise: no. JPEG blocking: yes. Color cast: no.", ARTIFACTS, MC, ("Blur", "JPEG blocking")),
    # third round: conclusions after an elimination, spaced letters
    (
        "Let me consider each option.\nA) Blur: the edges are crisp, so no.\nB) Noise: visible grain in the "
        "shadows.\nC) JPEG blocking: no blocks.\nD) Color cast: neutral.\nSo B.",
        ARTIFACTS,
        SC,
        ("Noise",),
    ),
    ("A can be excluded. So can C and D. Remaining: B", ARTIFACTS, SC, ("Noise",)),
    ("Options A, C and D are ruled out, which leaves option B.", ARTIFACTS, SC, ("Noise",)),
    (
        "B, because the others don't match: A needs soft edges, C needs blocks, D needs a tint.",
        ARTIFACTS,
        SC,
        ("Noise",),
    ),
    ("Hmm, A? The edges are crisp. C? No blocks. D? No tint. Noise it is.", ARTIFACTS, SC, ("Noise",)),
    ("The answer is not A, since the edges are crisp; it is B.", ARTIFACTS, SC, ("Noise",)),
    ("I would rule out A and C. Between B and D, D fits better.", ARTIFACTS, SC, ("Color cast",)),
    ("After eliminating the implausible choices, what remains is D.", ARTIFACTS, SC, ("Color cast",)),
    (
        "C would require blocky artifacts, and there are none. So it's between B and D, and the green tint "
        "makes it D.",
        ARTIFACTS,
        SC,
        ("Color cast",),
    ),
    ("Final verdict \u2014 B.", ARTIFACTS, SC, ("Noise",)),
    ("Not A (too sharp), not C (no blocks), not D (no tint): B", ARTIFACTS, SC, ("Noise",)),
    ("A is wrong. B is correct.", ARTIFACTS, SC, ("Noise",)),
    ("C is the most likely, since the sky shows 8x8 blocks.", ARTIFACTS, SC, ("JPEG blocking",)),
    ("The eyes (A) are blurred, and so is the background (C).", REGIONS, MC, ("Eyes", "Background")),
    ("I'd pick A and C", REGIONS, MC, ("Eyes", "Background")),
    ("A C D", REGIONS, MC, ("Eyes", "Background", "Mouth")),
    ("A, C - the others look fine.", REGIONS, MC, ("Eyes", "Background")),
]


@pytest.mark.parametrize(
    ("response", "options", "question_type", "expected"),
    SECOND_ROUND,
    ids=[f"{i:02d}-{r[:30]!r}" for i, (r, *_rest) in enumerate(SECOND_ROUND)],
)
def test_second_round_form(response, options, question_type, expected):
    assert extract_answer(response, options, question_type) == expected


@pytest.mark.parametrize(
    ("response", "question", "expected"),
    STATEMENTS,
    ids=[f"{i:02d}-{r[:30]!r}" for i, (r, *_rest) in enumerate(STATEMENTS)],
)
def test_true_false_statement(response, question, expected):
    assert extract_answer(response, TF, TFQ, question=question) == expected


@pytest.mark.parametrize(
    ("response", "options", "question_type", "expected"),
    FORMS,
    ids=[f"{i:02d}-{r[:30]!r}" for i, (r, *_rest) in enumerate(FORMS)],
)
def test_hard_form(response, options, question_type, expected):
    assert extract_answer(response, options, question_type) == expected


def test_statement_needs_the_question():
    # without the claim there is nothing to compare the statement with
    assert extract_answer("The cheeks look smooth and plasticky.", TF, TFQ) is None


@pytest.mark.parametrize(
    ("response", "options", "question_type", "conflict"),
    [
        ("C. Noise", ARTIFACTS, SC, True),
        ("A. False", TF, TFQ, True),
        ("C. JPEG blocking", ARTIFACTS, SC, False),
        ("B or C", ARTIFACTS, SC, False),
    ],
)
def test_conflict_is_marked(response, options, question_type, conflict):
    reading = extract_reading(response, options, question_type)
    assert reading.conflict is conflict
    if conflict:
        assert reading.indices == ()
