"""The data core: the builder, features, the raw-release reader, the export, the card, push, loading.

May import: the contract and the sample (the builder's "sample" config); never the scoring core
or an edge.
"""
