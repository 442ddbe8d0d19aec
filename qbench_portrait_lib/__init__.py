"""Internals of qbench-portrait: the data core, the scoring core and the edges.

The public entry points are re-exported by the top-level ``qbench_portrait`` module.
"""
