"""Placeholder: the evaluate metric is being written (issue 3)."""
