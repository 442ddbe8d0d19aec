"""The annotation room: collect human baselines through a local web page.

An edge room. It holds the question queue shown to a person (:mod:`.queue`), the
answer file written as they answer (:mod:`.answer_file`, the runner's predictions
format with ``model`` = ``human:NAME``), the loopback-only web server and its static
page (:mod:`.server`, ``static/``), and the pooling of several annotators into one
"human (n=K)" row with their agreement (:mod:`.pooling`, :mod:`.agreement`).

It may import the cores (contract, data, scoring) and ``run.predictions``; never the CLI,
the report or the jobs.
"""
