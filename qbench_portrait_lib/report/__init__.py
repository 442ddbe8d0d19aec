"""Rendering results: results.json, report.md, charts and leaderboards.

An edge room. It renders the scorer's numbers and never recomputes them.
May import: the contract, the scoring core, the run room (predictions metadata); never the CLI.
"""
