"""Model shapes, each with its source: the one place they are typed.

Fields use the lecture's letters: L layers, D model dimension, F MLP hidden
dimension, N query heads, K key/value heads, H head dimension, V vocabulary.
All models here have untied input and output embeddings.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import sympy as sp

from ..core import i18n
from ..core.validate import lookup, positive_int

i18n.register("catalog", messages={
    'formula_params': ("Lecture's formula", '课上公式'),
    'norm_params': ('Formula + norm weights', '公式加归一化权重'),
    'published_params': ('Published count', '公开参数量'),
})

_HF = "https://huggingface.co/{}"  # model page: config.json and the checkpoint's parameter count


@dataclass(frozen=True)
class Model:
    """A decoder-only Transformer's shape. Replace fields with `dataclasses.replace`.

    Examples:
        >>> LLAMA2_70B.G
        8
        >>> dataclasses.replace(LLAMA2_13B, K=8).G
        5
        >>> dataclasses.replace(LLAMA2_13B, K=7)
        Traceback (most recent call last):
        ...
        ValueError: K (7) must divide N (40): every KV head serves the same number of query heads
    """

    name: str
    L: int
    D: int
    F: int
    N: int
    K: int
    H: int
    V: int
    source: str = ""
    published_params: int | None = None  # the count its publisher reports, norms included

    def __post_init__(self):
        for field in ("L", "D", "F", "N", "K", "H", "V"):
            value = positive_int(field, getattr(self, field))
            if not value.is_number:
                raise ValueError(f"{field} must be a whole number, got {value}")
            object.__setattr__(self, field, int(value))
        if self.N % self.K:
            raise ValueError(
                f"K ({self.K}) must divide N ({self.N}): every KV head serves the same number of query heads")

    @property
    def G(self) -> int:
        """Query heads per KV head."""
        return self.N // self.K

    def values(self) -> dict[sp.Symbol, int]:
        """The shape as a substitution for the lecture's symbols."""
        from .. import symbols

        return {getattr(symbols, field): getattr(self, field) for field in ("L", "D", "F", "N", "K", "H", "V")}


def replace(model: Model, **changes) -> Model:
    """`dataclasses.replace`, re-exported so readers need one import."""
    return dataclasses.replace(model, **changes)


# Published counts are the Hugging Face checkpoints' totals (safetensors metadata).
LLAMA2_7B = Model("Llama 2 7B", L=32, D=4096, F=11008, N=32, K=32, H=128, V=32000,
                  source=_HF.format("meta-llama/Llama-2-7b-hf"), published_params=6_738_415_616)
LLAMA2_13B = Model("Llama 2 13B", L=40, D=5120, F=13824, N=40, K=40, H=128, V=32000,
                   source=_HF.format("meta-llama/Llama-2-13b-hf"), published_params=13_015_864_320)
LLAMA2_70B = Model("Llama 2 70B", L=80, D=8192, F=28672, N=64, K=8, H=128, V=32000,
                   source=_HF.format("meta-llama/Llama-2-70b-hf"), published_params=68_976_648_192)
LLAMA3_8B = Model("Llama 3 8B", L=32, D=4096, F=14336, N=32, K=8, H=128, V=128256,
                  source=_HF.format("meta-llama/Meta-Llama-3-8B"), published_params=8_030_261_248)
LLAMA3_70B = Model("Llama 3 70B", L=80, D=8192, F=28672, N=64, K=8, H=128, V=128256,
                   source=_HF.format("meta-llama/Meta-Llama-3-70B"), published_params=70_553_706_496)
MISTRAL_7B = Model("Mistral 7B v0.1", L=32, D=4096, F=14336, N=32, K=8, H=128, V=32000,
                   source=_HF.format("mistralai/Mistral-7B-v0.1"), published_params=7_241_732_096)

MODELS: tuple[Model, ...] = (LLAMA2_7B, LLAMA2_13B, LLAMA2_70B, LLAMA3_8B, LLAMA3_70B, MISTRAL_7B)

MISTRAL_7B_SLIDING_WINDOW = 4096  # tokens; Mistral 7B v0.1 config "sliding_window"


@dataclass(frozen=True)
class MLAModel:
    """Multi-head latent attention: each token caches one compressed latent of `latent`
    values plus `rope` decoupled positional key values per layer, instead of K·H keys
    and K·H values.
    """

    name: str
    L: int
    D: int
    N: int
    H: int
    V: int
    latent: int
    rope: int
    source: str = ""


DEEPSEEK_V2 = MLAModel("DeepSeek-V2", L=60, D=5120, N=128, H=128, V=102400, latent=512, rope=64,
                       source="https://arxiv.org/abs/2405.04434")


def model(name: str | Model) -> Model:
    """Look a model up by constant name or full name (a Model passes through).

    Examples:
        >>> model("LLAMA3_8B").name
        'Llama 3 8B'
        >>> model("GPT-5")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        ValueError: model 'GPT-5' is unknown; known: LLAMA2_7B, LLAMA2_13B, LLAMA2_70B, ...
    """
    return lookup("model", name, globals(), Model)
