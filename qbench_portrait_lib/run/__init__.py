"""Running a model: the OpenAI-compatible client, the runner, predictions files, the LLM judge.

An edge room. May import: the contract, the data core, the scoring core; never the CLI.
"""
