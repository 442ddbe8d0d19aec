"""The data contract: every column declared once, the one row checker, the prompt.

Holds the column declarations (name, kind, vocabulary) and everything derived from them
that both cores need: label names, cross-field rules, option normalisation, the row
checker, the error base class, the canonical prompt and the citation.
May import: the standard library only (no datasets, no evaluate, no other room).
"""
