"""Model shapes: re-exported from `derivations.catalog.models`, where they are typed."""

from .catalog.models import *  # noqa: F403
from .catalog.models import LLAMA2_13B, MODELS, Model, model, replace  # noqa: F401
