"""Helpers for tests that point this process's Celery app at another broker."""

import socket
import time
from contextlib import contextmanager

from kombu import pools

from portal.celery import app


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def broker(url):
    """Point this process's Celery app at ``url`` (fresh connection pools) for the block."""
    previous = app.conf.broker_url

    def switch(to):
        app.conf.broker_url = to
        pools.reset()
        app._pool = None
        app.amqp._producer_pool = None

    switch(url)
    try:
        yield
    finally:
        switch(previous)


class Stopwatch:
    def __enter__(self):
        self.started = time.monotonic()
        return self

    def __exit__(self, *exc):
        self.seconds = time.monotonic() - self.started
