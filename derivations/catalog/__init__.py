"""Accelerators, interconnects and model shapes, each typed once with its source."""
