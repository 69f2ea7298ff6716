"""Callback data: one prefix per kind of button."""

from __future__ import annotations


def test_every_callback_prefix_is_unique() -> None:
    """Two button kinds sharing a prefix could be mistaken for each other."""
    import importlib
    import pkgutil

    from aiogram.filters.callback_data import CallbackData

    import bot

    for module in pkgutil.walk_packages(bot.__path__, "bot."):
        if not module.name.endswith("__main__"):
            importlib.import_module(module.name)
    seen: dict[str, str] = {}

    def walk(cls: type) -> None:
        for sub in cls.__subclasses__():
            prefix = getattr(sub, "__prefix__", None)
            if prefix is not None:
                assert prefix not in seen, f"{sub.__name__} and {seen[prefix]} share {prefix!r}"
                seen[prefix] = sub.__name__
            walk(sub)

    walk(CallbackData)
    assert len(seen) > 10
