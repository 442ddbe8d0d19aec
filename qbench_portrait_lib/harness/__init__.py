"""Harness integrations: run the benchmark inside other evaluation harnesses, score it here.

An edge room. May import: the contract, the data core, the scoring core and
``run.predictions`` (the record type every predictions reader returns); never the CLI.
"""
