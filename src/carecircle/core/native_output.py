"""Output that a native library writes straight to the process's stdout/stderr (file descriptors 1
and 2, past Python's sys.stdout), routed to logging instead of the console (issue 17, item 7).

HiGHS prints its English banner ("Running HiGHS … Copyright …") when the first solver of the
process is made, before any option can silence it; the commands and the demo print only their own
Chinese messages.
"""

import logging
import os
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()


@contextmanager
def logged(logger_name: str) -> Iterator[None]:
    """Within the block, what is written to descriptors 1 and 2 goes to the logger `logger_name`
    (at DEBUG), line by line. Held under a lock: the descriptors belong to the whole process."""
    with _lock, tempfile.TemporaryFile() as sink:
        sys.stdout.flush()
        sys.stderr.flush()
        saved = [os.dup(1), os.dup(2)]
        try:
            os.dup2(sink.fileno(), 1)
            os.dup2(sink.fileno(), 2)
            yield
        finally:
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            for fd in saved:
                os.close(fd)
        sink.seek(0)
        log = logging.getLogger(logger_name)
        for line in sink.read().decode("utf-8", "replace").splitlines():
            if line.strip():
                log.debug("%s", line)
