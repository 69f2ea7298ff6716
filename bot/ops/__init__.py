"""Operations: health, metrics, scale-out wiring and `fremad doctor`."""
