"""What many people read and few change, kept in the cache (Redis in production): the public
tender list and the grant dashboard's figures.

Each area has a generation, and every entry's key names the generation it was made in. The
domain events that change an area renew its generation once their transaction commits, so every
entry of the old one goes out of use at once, and later readers compute afresh; the old entries
expire on their own. A reader takes the generation before reading the database, so whatever it
stores under a generation was read after that generation began. The keys also carry whatever
changes the output (the language, the filters, the rows a user may see).
"""

import hashlib
import logging
import uuid

from django.core.cache import cache
from django.db import transaction
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

PREFIX = "pages"
# How long an entry lasts at most: changes no domain event announces (a reference-data name
# edited in the admin) show after this.
KEPT_FOR = 15 * 60


def _generation_key(area):
    return f"{PREFIX}:{area}:generation"


def generation(area):
    """The current generation of ``area``; a new one when the cache has none (or lost it)."""
    key = _generation_key(area)
    current = cache.get(key)
    if current is None:
        cache.add(key, uuid.uuid4().hex, None)
        current = cache.get(key)
    return current


def renew(area):
    """Put every entry of ``area`` out of use when the current transaction commits (at once
    outside one); a rollback leaves them. Safe to repeat."""
    transaction.on_commit(
        lambda: cache.set(_generation_key(area), uuid.uuid4().hex, None), robust=True
    )


def remember(area, parts, compute):
    """``compute()``, or what it returned before in this generation of ``area`` for the same
    ``parts`` (the values the output depends on; their ``str`` must tell them apart),
    computed afresh while the cache cannot be reached."""
    digest = hashlib.sha256("\x1f".join(str(part) for part in parts).encode()).hexdigest()
    try:
        key = f"{PREFIX}:{area}:{generation(area)}:{digest}"
        value = cache.get(key)
    except RedisError:
        logger.warning("The cache cannot be reached; %s is computed afresh", area)
        return compute()
    if value is None:
        value = compute()
        try:
            cache.set(key, value, KEPT_FOR)
        except RedisError:
            logger.warning("The cache cannot be reached; %s is not kept", area)
    return value
