"""aiogram runs every filter that is not a coroutine in a worker thread (asyncio.to_thread):
each `F.text`, `F.message.chat.type == "private"` … check of each update costs a thread hop
there and back. Those are attribute look-ups of a few microseconds; measured in bench_updates,
the hops were the largest single cost of routing an update (3–4 per update, ~0.1 ms of CPU and
often more in waiting each). This runs the plain (synchronous) filters of every router on the
event loop instead; filters and handlers that are coroutines are untouched.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

from aiogram import Router
from aiogram.dispatcher.event.handler import FilterObject


def _filters(router: Router) -> Iterator[FilterObject]:
    for observer in router.observers.values():
        yield from observer._handler.filters or ()
        for handler in observer.handlers:
            yield from handler.filters or ()
    for child in router.sub_routers:
        yield from _filters(child)


def _on_loop(function: Callable[..., Any]) -> Callable[..., Awaitable[Any]]:
    @functools.wraps(function)
    async def run(*args: Any, **kwargs: Any) -> Any:
        return function(*args, **kwargs)

    return run


def run_filters_inline(router: Router) -> int:
    """Makes every synchronous filter under `router` run on the loop; returns how many."""
    changed = 0
    for item in _filters(router):
        if not item.awaitable:
            item.callback = _on_loop(item.callback)
            item.awaitable = True
            changed += 1
    return changed
