"""The embedded sample and the full-size synthetic release: image synthesis with known answers.

May import: the contract (and numpy, Pillow, scikit-image); never a baseline, an edge or the data core.
"""
