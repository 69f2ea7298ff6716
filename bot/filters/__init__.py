"""Class filters that look up what a button points at and hand it to the handler by name."""
