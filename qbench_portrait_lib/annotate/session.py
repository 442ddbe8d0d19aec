"""Open an annotation session: the dataset's questions, the annotator's file, the socket.

:func:`open_session` is what ``qbench-portrait annotate`` calls before serving: it checks
everything that can be wrong (the bind address, the annotator's name, an answer file of
another annotator or dataset) before the page goes up.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from qbench_portrait_lib.annotate.answer_file import AnswerFile, check_annotator
from qbench_portrait_lib.annotate.queue import QuestionQueue
from qbench_portrait_lib.annotate.server import bind, check_host, serve

logger = logging.getLogger(__name__)


@dataclass
class Session:
    """A queue, its answer file and the listening socket, ready to :meth:`serve`."""

    answers: AnswerFile
    sock: socket.socket

    def serve(self, on_ready: Callable[[str], Any] | None = None) -> None:
        """Serve the page until interrupted (``on_ready(url)`` once listening)."""
        serve(self.answers, self.sock, on_ready)


def open_session(
    dataset: str,
    annotator: str,
    out: str | os.PathLike[str],
    *,
    host: str = "127.0.0.1",
    port: int = 8765,
    order: str = "dataset",
    seed: int = 0,
    allow_remote: bool = False,
) -> Session:
    """Load ``dataset`` ('sample', a folder or a Hub id), read ``out`` if it exists, bind the socket."""
    from qbench_portrait_lib.data.loading import load_benchmark

    check_host(host, allow_remote=allow_remote)
    check_annotator(annotator)
    queue = QuestionQueue.from_dataset(load_benchmark(dataset), order=order, seed=seed)
    answers = AnswerFile(out, annotator, queue)
    logger.info("%s: %d of %d questions already answered", out, len(answers.records), len(queue))
    return Session(answers=answers, sock=bind(host, port, allow_remote=allow_remote))
