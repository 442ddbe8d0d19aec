"""The Q-Bench-Portrait metric for ``evaluate``: a thin adapter over qbench_portrait_lib.scoring.

It declares the input features, turns label ints into names, and calls
``score_predictions``; all of the scoring lives in plain functions that need no evaluate.
"""

import datasets
import evaluate

from qbench_portrait_lib.contract.columns import CONTRACT
from qbench_portrait_lib.contract.row_batch import checked_batch
from qbench_portrait_lib.contract.row_batch import checked_dicts
from qbench_portrait_lib.contract.row_batch import stored_rows
from qbench_portrait_lib.scoring.api import score_predictions
from qbench_portrait_lib.contract.about import CITATION as _CITATION

_DESCRIPTION = """\
Scores multimodal LLMs on Q-Bench-Portrait, the portrait quality-perception benchmark.
Predictions are the raw model responses; the metric reads which options a response
commits to (deterministically; a response that commits to nothing usable scores 0 and
counts as a parse failure, never as a random guess) and scores it: exact match for
single-choice and true/false, exact set match for multiple-choice (select all that apply)
with Jaccard/precision/recall/F1 beside it, and for open-ended questions an offline proxy
(agreement on quality terms plus token F1) or, when a judge callable is given, the
judge's 0/1/2 score halved. It reports the overall score with an image-clustered
bootstrap interval, per-cell scores with Wilson intervals (Student t intervals for cells
of fractional open-ended scores), and the closed-format accuracy
beside each cell's chance level, for every question type, quality dimension, image
source, level, dimension x level and dimension x source, the true/false yes-bias, and
the parse-failure rate.
"""

_KWARGS_DESCRIPTION = """
Args:
    predictions (`list` of `str` or `None`): the raw model response for each question.
        `None` and empty responses count as unparsed (stored as the empty string).
    references (`list` of `dict`): one dict per question with every data-contract column
        except `image`: id, image_id, question, question_type, options, answer,
        quality_dimension, image_source, level, attribute, region. The label columns
        (question_type, quality_dimension, image_source, level) take ClassLabel names or
        their ints. Extra keys (such as `image`) are ignored.
    judge (`callable`, optional): a JudgeFn scoring the open-ended items 0-2 (None = failure).
    reader (`callable`, optional): a ResponseReader reading the closed responses the rules
        leave unparsed (option texts or None per item); rules always go first.
    return_details (`bool`, defaults to `False`): also return `details`, one dict per item.
    bootstrap_samples (`int`, defaults to 1000): bootstrap replicates for the overall interval.
    seed (`int`, defaults to 0): seed of the bootstrap.
Returns:
    A flat dict of Python floats: `overall` (the headline: all items with a judge, the
    closed formats only without one), `overall_closed`, `overall_ci_low`,
    `overall_ci_high`, `overall_includes_open_ended`, `overall_all_items` (every item,
    open-ended ones by judge or proxy score) and its `_ci_low`/`_ci_high`, `count`,
    `parse_failures`, `parse_failure_rate`, `chance`;
    `{group}/{value}/{score,count,ci_low,ci_high,chance}` and
    `{group}/{value}/{closed_score,closed_count,closed_ci_low,closed_ci_high}` (the same
    over the cell's closed-format items only: the score `chance` belongs to) for
    question_type, quality_dimension, image_source, level, quality_dimension_x_level
    (values `dimension.level`) and quality_dimension_x_image_source (values
    `dimension.source`); `multiple_choice/{jaccard,precision,recall,f1}`;
    `true_false/{balanced_accuracy,true_rate,gold_true_rate}`;
    `open_ended/{proxy_score,proxy_agreement_spearman,judge_score,judge_failures,judge_failure_rate}`;
    `extraction/{read_by_rules,read_by_reader,unparsed,conflicts}`;
    `position_bias/{letter}/{pick_share,gold_share}`, `position_bias/{responses,chi_square,
    chi_square_dof,chi_square_p}`, `multiple_choice/select_all_rate`;
    plus `details` when asked. See the metric card for every key.
    Circular runs: `evaluate.load(METRIC_PATH, "circular")`; every reference also carries
    `option_order`, the options in the order its variant was asked with (one prediction per
    variant; a question's variants may sit on different ranks). The usual keys cover the
    dataset's order (rotation 0); with more than one variant per question,
    `circular/overall/{accuracy,ci_low,ci_high,vanilla,drop,drop_ci_low,drop_ci_high,chance,
    consistency,count}` and the same per `circular/{breakdown}/{value}/...` are added.
Examples:
    >>> import evaluate
    >>> metric = evaluate.load("qbench_portrait")
    >>> shared = {"image_id": "img1", "image_source": "natural", "attribute": "blur"}
    >>> references = [
    ...     {**shared, "id": "q1", "question": "How sharp is the face?", "question_type": "single_choice",
    ...      "options": ["Sharp", "Slightly blurry", "Very blurry"], "answer": ["Very blurry"],
    ...      "quality_dimension": "technical", "level": "global", "region": ""},
    ...     {**shared, "id": "q2", "question": "The eyes are in focus.", "question_type": "true_false",
    ...      "options": ["True", "False"], "answer": ["False"],
    ...      "quality_dimension": "technical", "level": "local", "region": "eyes"},
    ... ]
    >>> result = metric.compute(predictions=["The answer is C.", "False"], references=references)
    >>> result["overall"], result["question_type/true_false/score"], result["parse_failure_rate"]
    (1.0, 1.0, 0.0)

    A response that commits to nothing scores 0 and counts as a parse failure:
    >>> result = metric.compute(predictions=["Hard to say.", "False"], references=references)
    >>> result["overall"], result["parse_failures"], result["chance"]
    (0.5, 1.0, 0.41666666666666663)

    Label columns may hold ClassLabel ints; details give the per-item verdicts:
    >>> as_ints = [{**ref, "question_type": 2, "quality_dimension": 0, "image_source": 0, "level": 1}
    ...            for ref in references[1:]]
    >>> result = metric.compute(predictions=["True"], references=as_ints, return_details=True)
    >>> detail = result["details"][0]
    >>> detail["id"], detail["parsed"], detail["correct"], detail["score"]
    ('q2', ('True',), ('False',), 0.0)
"""

#: The reference columns (every contract column but the image) and their kinds.
_REFERENCE_KINDS = {column.name: column.kind for column in CONTRACT if column.kind != "image"}
_RESPONSE_TYPES = frozenset((str, type(None)))


def _reference_features() -> dict:
    """Every reference column as a string (lists of strings for the list columns).

    Label columns are declared as strings: evaluate type-checks inputs against the
    features before encoding them and would reject an int in a string column (and a name
    in an int column). ``add``/``add_batch`` below turn ClassLabel ints into names first.
    """
    return {
        name: datasets.List(datasets.Value("string")) if kind == "strings" else datasets.Value("string")
        for name, kind in _REFERENCE_KINDS.items()
    }


def _as_names(references, circular=False):
    """Checked copies of a batch of references, labels as names, ready for evaluate's features.

    In the ``circular`` configuration each reference also carries ``option_order``: the
    options in the order its variant was asked with (checked by the scorer to be a rotation).
    """
    if circular:  # the first bad row wins, its contract problems before its option order
        bad = next((index for index, ref in enumerate(references) if _option_order(ref) is None), None)
        if bad is not None:
            row = checked_batch(references[: bad + 1], noun="reference")[bad]
            order = _order_value(references[bad])
            raise ValueError(
                f"reference {bad} (id {row.id!r}): the circular configuration needs 'option_order', "
                f"the options in the order asked (a list of strings), got {order!r:.80}"
            )
    stored = checked_dicts(references, noun="reference")  # evaluate copies the lists as it stores them
    if circular:
        for record, reference in zip(stored, references, strict=True):
            record["option_order"] = _option_order(reference)
    return stored


def _order_value(reference):
    return reference.get("option_order") if hasattr(reference, "get") else None


def _option_order(reference):
    """A reference's ``option_order`` as a list of strings, None when it has none such."""
    order = _order_value(reference)
    if not isinstance(order, (list, tuple)) or not all(isinstance(text, str) for text in order):
        return None
    return list(order)


def _features(circular):
    references = _reference_features()
    if circular:
        references["option_order"] = datasets.List(datasets.Value("string"))
    return datasets.Features({"predictions": datasets.Value("string"), "references": references})


def _as_responses(predictions, references):
    """The predictions with None as "" (a batch of plain strings and Nones passes at once)."""
    if set(map(type, predictions)) <= _RESPONSE_TYPES:
        return ["" if prediction is None else prediction for prediction in predictions]
    return [_as_response(p, i, r) for i, (p, r) in enumerate(zip(predictions, references, strict=True))]


def _as_response(prediction, index, reference):
    if prediction is not None and not isinstance(prediction, str):
        raise TypeError(
            f"prediction {index} (id {reference['id']!r}) must be a string or None, "
            f"got {type(prediction).__name__} {prediction!r:.80}"
        )
    return "" if prediction is None else prediction


@evaluate.utils.file_utils.add_start_docstrings(_DESCRIPTION, _KWARGS_DESCRIPTION)
class QbenchPortrait(evaluate.Metric):
    """Q-Bench-Portrait scores, breakdowns and intervals (see ``_KWARGS_DESCRIPTION``)."""

    def _info(self):
        return evaluate.MetricInfo(
            description=_DESCRIPTION,
            citation=_CITATION,
            inputs_description=_KWARGS_DESCRIPTION,
            features=_features(self._circular),
            reference_urls=["https://arxiv.org/abs/2601.18346"],
        )

    @property
    def _circular(self):
        """True in the ``circular`` configuration (``evaluate.load(path, "circular")``)."""
        if self.config_name not in ("default", "circular"):
            raise ValueError(f"unknown configuration {self.config_name!r}; expected 'default' or 'circular'")
        return self.config_name == "circular"

    def add_batch(self, *, predictions=None, references=None, **kwargs):
        """Validate the batch, store labels as names and None responses as "".

        Errors name the record's index in this batch (in ``compute(...)``, in the whole input).
        """
        if predictions is not None and references is not None:
            if len(predictions) != len(references):
                raise ValueError(
                    f"expected one prediction per reference: got {len(predictions)} predictions "
                    f"for {len(references)} references"
                )
            references = _as_names(list(references), self._circular)
            predictions = _as_responses(predictions, references)
        return super().add_batch(predictions=predictions, references=references, **kwargs)

    def add(self, *, prediction=None, reference=None, **kwargs):
        """Validate one item like ``add_batch``."""
        if reference is not None:
            reference = _as_names([reference], self._circular)[0]
            prediction = _as_response(prediction, 0, reference)
        return super().add(prediction=prediction, reference=reference, **kwargs)

    def _compute(
        self,
        predictions,
        references,
        judge=None,
        reader=None,
        return_details=False,
        bootstrap_samples=1000,
        seed=0,
    ):
        # add/add_batch validated every stored reference (on whichever rank added it); rank 0
        # gets every rank's references, so a question's variants may come from any of them
        orders = [reference["option_order"] for reference in references] if self._circular else None
        return score_predictions(
            predictions,
            stored_rows(references),
            judge=judge,
            reader=reader,
            return_details=return_details,
            bootstrap_samples=bootstrap_samples,
            seed=seed,
            option_orders=orders,
        )
