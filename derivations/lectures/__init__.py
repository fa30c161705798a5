"""One module per lecture: its presets, example sizes, claims and constants "as lectured"."""
