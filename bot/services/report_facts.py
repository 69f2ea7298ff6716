"""Renamed to :mod:`bot.services.figures` (the one source of figures). This alias only lets
branches that were started before the rename merge; import from ``bot.services.figures``."""

from bot.services.figures import *  # noqa: F403
