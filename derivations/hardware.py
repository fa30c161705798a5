"""Accelerators: re-exported from `derivations.catalog.hardware`, where they are typed."""

from .catalog.hardware import *  # noqa: F403
from .catalog.hardware import ACCELERATORS, H100_SXM, TPU_V5E, Accelerator, accelerator  # noqa: F401
