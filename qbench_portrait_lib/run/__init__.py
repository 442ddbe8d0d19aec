"""Running a model: the OpenAI-compatible client, the runner, predictions files, the LLM judge.

An edge room. May import: the contract, the data core, the scoring core; never the CLI.

- The client: ``client`` (``ChatClient``, the coordinator), ``retry``, ``chat_errors``,
  ``http_post``, ``chat_response``, ``transport``, ``endpoint_guard``.
- The runner: ``runner`` (``run_predictions``, the coordinator), ``run_config``,
  ``resume`` (what an out file already answers, what is left to ask), ``ask_loop`` (the
  request loop), ``chat_request``, ``variants``, ``image_source``, ``image_encoding``,
  ``predictions`` (the predictions file).
- The judge and the reader: ``judge`` (``HttpJudge``), ``judge_round``, ``judge_stats``,
  ``judge_prompt``; ``reader`` (``HttpReader``), ``reader_item``, ``reader_prompt``; both
  use ``reply_cache`` (``ReplyCache``, the on-disk cache of replies) and ``fan_out``.
"""
