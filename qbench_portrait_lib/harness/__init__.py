"""Harness integrations: run the benchmark inside other evaluation harnesses, score it here;
and the self-contained evaluate metric export with its push as a Gradio Space.

An edge room. May import: the contract, the data core, the scoring core and
``run.predictions`` (the record type every predictions reader returns); never the CLI.
The metric export also reads the scoring core's and the contract's files to copy them.
"""
