"""The clock of Fremad: every scheduled message goes plan → ledger → claim → send queue.

- ``registry``: a kind registers a planner (what is due) and a composer (what to send).
- ``tick``: one pass (``run_tick(ctx, now)``); its docstring has the crash semantics.
- ``runner``: APScheduler as a minute clock that calls the pass.
- ``setup``: builds the pieces for one process (``create_scheduling``).
- ``checkins``: the check-in and reminder planners.
"""
