"""Floating-point formats from their bit layouts: limits and rounding, exact (lecture 2).

A format is a sign bit, `exponent_bits` of biased exponent and `mantissa_bits` of fraction.
Everything else follows from the layout and from how the format spends its top exponent:

- `"ieee"` (fp32, fp16, bf16, fp8 E5M2): the top exponent holds infinities and NaNs;
- `"fn"` (fp8 E4M3 of the OCP standard): no infinities; the top exponent holds finite
  numbers except the all-ones mantissa, which is NaN, so the largest mantissa is one below;
- `"fnuz"` (AMD/Graphcore fp8): no infinities, no negative zero; the pattern of negative
  zero is the single NaN, every exponent holds finite numbers, and the bias is one larger.

Every limit is a SymPy number (`max`, `eps`, `min_normal`, `min_subnormal`), and
`round(x)` gives the representable value nearest to a real `x`, exactly. The tests check
them against numpy's `finfo` and against every 8- and 16-bit pattern decoded by brute force.

Examples:
    >>> FP16.max, FP16.eps, FP16.min_normal, FP16.min_subnormal
    (65504, 1/1024, 1/16384, 1/16777216)
    >>> FP8_E4M3.max, FP8_E5M2.max, FP8_E4M3_FNUZ.max
    (448, 57344, 240)
    >>> FP16.round(1e-8), BF16.round(1e-8) > 0
    (0, True)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from numbers import Integral

import sympy as sp

from .core import i18n, render
from .core.cache import derived
from .core.claims import Claim, Claims
from .core.i18n import message, term
from .core.validate import lookup

i18n.register("formats", terms={
    'fmt_format': ('Format', '格式'),
    'fmt_exponent': ('Exponent bits', '指数位'),
    'fmt_mantissa': ('Mantissa bits', '尾数位'),
    'fmt_bias': ('Exponent bias', '指数偏置'),
    'fmt_max': ('Largest finite value', '最大有限值'),
    'fmt_eps': ('Machine epsilon (spacing at 1)', '机器精度（1处的间距）'),
    'fmt_min_normal': ('Smallest normal value', '最小正规数'),
    'fmt_min_subnormal': ('Smallest subnormal value', '最小次正规数'),
    'fmt_underflow': ('Underflow', '下溢'),
    'fmt_overflow': ('Overflow', '上溢'),
    'fmt_mixed_precision': ('Mixed precision', '混合精度'),
    'fmt_master_weights': ('Master weights (fp32 copy)', '主权重（fp32副本）'),
    'fmt_dynamic_range': ('Dynamic range', '动态范围'),
    'fmt_round_to_nearest_even': ('Round to nearest, ties to even', '就近舍入（偶数优先）'),
}, messages={
    'topic_formats': ('Number formats', '数值格式'),
    'fmt_bits': ('Bits', '位数'),
    'fmt_layout': ('Sign · exponent · mantissa', '符号·指数·尾数'),
    'fmt_specials': ('Infinity / NaN', '无穷大／NaN'),
    'fmt_special_ieee': ('±∞ and NaNs in the top exponent', '最高指数用于表示±∞和NaN'),
    'fmt_special_fn': ('no ∞; NaN = all ones', '无∞；全1为NaN'),
    'fmt_special_fnuz': ('no ∞, no −0; NaN = the −0 pattern', '无∞、无−0；−0的位模式表示NaN'),
    'fmt_decimal': ('{value}', '{value}'),
    'fmt_value': ('Value', '值'),
    'fmt_rounded': ('Rounded in {format}', '舍入到{format}的结果'),
    'fmt_relative_error': ('Relative error', '相对误差'),
    'fmt_zero': ('0 (underflow)', '0（下溢）'),
    'fmt_infinity': ('∞ (overflow)', '∞（上溢）'),
    'fmt_answer': ('Answer', '答案'),
    'fmt_unit_roundoff': ('Largest relative rounding error (normal range)', '最大相对舍入误差（正规数范围）'),
    'fmt_values_per_binade': ('Values per binade', '每个二进制数量级内可表示值的个数'),
})

KINDS = ("ieee", "fn", "fnuz")


class FormatOverflow(OverflowError, ValueError):
    """`x` lies beyond a format without infinities, and saturation was not asked for."""


@dataclass(frozen=True)
class Format:
    """A binary floating-point format, from its bit layout.

    Examples:
        >>> FP32.bits, FP32.bytes, FP32.bias
        (32, 4, 127)
        >>> BF16.eps, BF16.min_normal == FP32.min_normal
        (1/128, True)
    """

    name: str
    exponent_bits: int
    mantissa_bits: int
    kind: str = "ieee"
    source: str = ""

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}, got {self.kind!r}")
        for field in ("exponent_bits", "mantissa_bits"):
            value = getattr(self, field)
            if not isinstance(value, Integral) or isinstance(value, bool) or value < 1:
                raise ValueError(f"{field} must be a positive integer, got {value!r}")

    @property
    def bits(self) -> int:
        return 1 + self.exponent_bits + self.mantissa_bits

    @property
    def bytes(self) -> sp.Rational:
        return sp.Rational(self.bits, 8)

    @property
    def bias(self) -> int:
        """Subtracted from the stored exponent: half the exponent range (one more for FNUZ)."""
        return 2 ** (self.exponent_bits - 1) - 1 + (self.kind == "fnuz")

    @property
    def min_exponent(self) -> int:
        """Exponent of the smallest normal number (stored exponent 1)."""
        return 1 - self.bias

    @property
    def max_exponent(self) -> int:
        """Exponent of the largest finite numbers: the top stored exponent, unless it is reserved."""
        top = 2 ** self.exponent_bits - 1
        return (top - 1 if self.kind == "ieee" else top) - self.bias

    @property
    def max(self) -> sp.Rational:
        """Largest finite value: the largest mantissa at the largest exponent (`fn` loses one step to NaN)."""
        m = self.mantissa_bits
        largest_mantissa = 2 ** (m + 1) - 1 - (self.kind == "fn")  # significand in units of 2^-m
        return sp.Integer(largest_mantissa) * sp.Integer(2) ** (self.max_exponent - m)

    @property
    def eps(self) -> sp.Rational:
        """Machine epsilon: the distance from 1 to the next representable value."""
        return sp.Integer(2) ** -self.mantissa_bits

    @property
    def min_normal(self) -> sp.Rational:
        return sp.Integer(2) ** self.min_exponent

    @property
    def min_subnormal(self) -> sp.Rational:
        return sp.Integer(2) ** (self.min_exponent - self.mantissa_bits)

    @property
    def has_infinity(self) -> bool:
        return self.kind == "ieee"

    def decode(self, pattern: int) -> sp.Expr:
        """The value a bit pattern stands for: a Rational, ±oo, or nan.

        Examples:
            >>> FP16.decode(0x3C00), FP16.decode(0x7BFF), FP16.decode(0x7C00)
            (1, 65504, oo)
            >>> FP8_E4M3.decode(0x7E), FP8_E4M3.decode(0x7F), FP8_E4M3_FNUZ.decode(0x80)
            (448, nan, nan)
        """
        if not isinstance(pattern, Integral) or isinstance(pattern, bool) or not 0 <= pattern < 2 ** self.bits:
            raise ValueError(f"pattern must be an integer in [0, 2^{self.bits}), got {pattern!r}")
        e, m = self.exponent_bits, self.mantissa_bits
        sign = -1 if pattern >> (e + m) else 1
        stored = (pattern >> m) & (2 ** e - 1)
        fraction = pattern & (2 ** m - 1)
        top = 2 ** e - 1
        if self.kind == "ieee" and stored == top:
            return sign * sp.oo if fraction == 0 else sp.nan
        if self.kind == "fn" and stored == top and fraction == 2 ** m - 1:
            return sp.nan
        if self.kind == "fnuz" and pattern == 2 ** (e + m):
            return sp.nan
        if stored == 0:  # subnormal: no implicit leading 1, exponent of the smallest normal
            return sign * sp.Integer(fraction) * self.min_subnormal
        return sign * sp.Integer(2 ** m + fraction) * sp.Integer(2) ** (stored - self.bias - m)

    def spacing(self, x) -> sp.Rational:
        """Distance between consecutive representable values around |x| (x within range).

        Examples:
            >>> BF16.spacing(1), BF16.spacing(256), FP16.spacing(0)
            (1/128, 2, 1/16777216)
        """
        magnitude = abs(_real("x", x))
        if magnitude == 0:
            return self.min_subnormal
        return sp.Integer(2) ** (max(_floor_log2(magnitude), self.min_exponent) - self.mantissa_bits)

    def round(self, x, saturate: bool = False) -> sp.Expr:
        """The representable value nearest to the real `x`, ties to the even mantissa, exactly.

        Values too small for the smallest subnormal become 0. Past the largest finite value,
        a format with infinities gives ±oo (IEEE rounding); one without raises
        `FormatOverflow` (a `ValueError`), unless `saturate=True` clamps to ±max.
        Floats are read through their decimal repr: `1e-8` is exactly 10^-8.

        Examples:
            >>> FP16.round(65519), FP16.round(65520)
            (65504, oo)
            >>> BF16.round(257), BF16.round(259)
            (256, 260)
            >>> FP8_E4M3.round(464), FP8_E4M3.round(500, saturate=True)
            (448, 448)
            >>> FP8_E4M3.round(500)  # doctest: +ELLIPSIS
            Traceback (most recent call last):
            ...
            derivations.formats.FormatOverflow: x = 500 overflows fp8 E4M3 (largest finite value 448); ... to clamp
            >>> FP16.round(1j)
            Traceback (most recent call last):
            ...
            ValueError: x must be a real number, got 1j
        """
        value = _real("x", x)
        magnitude = abs(value)
        if magnitude == 0:
            return sp.Integer(0)
        quantum = self.spacing(magnitude)
        if magnitude.is_Rational:  # the common case, in exact integer arithmetic
            steps = Fraction(int(magnitude.p), int(magnitude.q)) / Fraction(int(quantum.p), int(quantum.q))
            whole, rest = divmod(steps.numerator, steps.denominator)
            rest = Fraction(rest, steps.denominator)
        else:
            steps = magnitude / quantum
            whole = int(sp.floor(steps))
            rest = steps - whole
        half = sp.Rational(1, 2)
        if rest > half or (rest == half and whole % 2 == 1):
            whole += 1
        rounded = sp.Integer(whole) * quantum
        if rounded > self.max:
            if saturate:
                rounded = self.max
            elif self.has_infinity:
                rounded = sp.oo
            else:
                raise FormatOverflow(
                    f"x = {x} overflows {self.name} (largest finite value {self.max}); pass saturate=True to clamp")
        return rounded if value > 0 else -rounded


def _real(name: str, x) -> sp.Expr:
    """`x` as an exact real SymPy number; floats through their repr, like `validate.positive`."""
    if isinstance(x, bool) or x is None or isinstance(x, (str, complex)):
        raise ValueError(f"{name} must be a real number, got {x!r}")
    if (isinstance(x, (float, sp.Float))
            or type(x).__module__ == "numpy" and hasattr(x, "dtype") and x.dtype.kind == "f"):
        if not math.isfinite(float(x)):
            raise ValueError(f"{name} must be finite, got {x!r}")
        return sp.Rational(repr(float(x)))
    if isinstance(x, Fraction):
        return sp.Rational(x.numerator, x.denominator)
    if isinstance(x, Integral):
        return sp.Integer(int(x))
    if isinstance(x, sp.Expr) and x.is_number and x.is_real is True and x.is_finite is not False:
        return x
    raise ValueError(f"{name} must be a real number, got {x!r}")


def _floor_log2(magnitude: sp.Expr) -> int:
    """floor(log2(magnitude)) for a positive real number, exactly."""
    if magnitude.is_Rational:
        exponent = int(magnitude.p).bit_length() - int(magnitude.q).bit_length()
    else:
        exponent = int(sp.floor(sp.log(magnitude, 2).evalf(60)))
    while sp.Integer(2) ** exponent > magnitude:
        exponent -= 1
    while sp.Integer(2) ** (exponent + 1) <= magnitude:
        exponent += 1
    return exponent


_IEEE = "https://doi.org/10.1109/IEEESTD.2019.8766229"  # IEEE 754-2019: binary32, binary16
_BF16 = "https://cloud.google.com/tpu/docs/bfloat16"
_OCP = "https://www.opencompute.org/documents/ocp-8-bit-floating-point-specification-ofp8-revision-1-0-2023-12-01-pdf-1"
_FNUZ = "https://arxiv.org/abs/2206.02915"  # Noune et al. 2022, the FNUZ encodings (AMD, Graphcore)

FP32 = Format("fp32", 8, 23, "ieee", _IEEE)
FP16 = Format("fp16", 5, 10, "ieee", _IEEE)
BF16 = Format("bf16", 8, 7, "ieee", _BF16)
FP8_E4M3 = Format("fp8 E4M3", 4, 3, "fn", _OCP)
FP8_E5M2 = Format("fp8 E5M2", 5, 2, "ieee", _OCP)
FP8_E4M3_FNUZ = Format("fp8 E4M3 FNUZ", 4, 3, "fnuz", _FNUZ)
FP8_E5M2_FNUZ = Format("fp8 E5M2 FNUZ", 5, 2, "fnuz", _FNUZ)

FORMATS: tuple[Format, ...] = (FP32, FP16, BF16, FP8_E4M3, FP8_E5M2, FP8_E4M3_FNUZ, FP8_E5M2_FNUZ)


def fmt(name: str | Format) -> Format:
    """Look a format up by constant name or by its `name` (a Format passes through).

    Examples:
        >>> fmt("BF16").name, fmt("fp8 E4M3").max
        ('bf16', 448)
        >>> fmt("fp4")
        Traceback (most recent call last):
        ...
        ValueError: format 'fp4' is unknown; known: FP32, FP16, BF16, FP8_E4M3, FP8_E5M2, FP8_E4M3_FNUZ, FP8_E5M2_FNUZ
    """
    return lookup("format", name, globals(), Format)


# ---------------------------------------------------------------- published results


def power_latex(value) -> str:
    r"""An exact dyadic number as LaTeX: `2^{k}` or `odd \cdot 2^{k}`.

    Examples:
        >>> power_latex(65504), power_latex(sp.Rational(1, 1024)), power_latex(448)
        ('2047 \\cdot 2^{5}', '2^{-10}', '7 \\cdot 2^{6}')
    """
    value = sp.Rational(value)
    if value <= 0:
        raise ValueError(f"value must be positive, got {value}")
    exponent = 0
    while value.q != 1:
        value *= 2
        exponent -= 1
    odd = int(value)
    while odd % 2 == 0:
        odd //= 2
        exponent += 1
    return f"2^{{{exponent}}}" if odd == 1 else f"{odd} \\cdot 2^{{{exponent}}}"


def _exact_and_decimal(value) -> str:
    return f"${power_latex(value)} \\approx {render.decimal(value, 4)}$"


@dataclass(frozen=True)
class FormatTable(render.Published):
    """The layout and the limits of each format, derived from the layout."""

    formats: tuple[Format, ...]

    def to_markdown(self, lang: str) -> str:
        header = [term("fmt_format", lang), message("fmt_bits", lang), message("fmt_layout", lang),
                  term("fmt_bias", lang), message("fmt_specials", lang)]
        rows = [[f.name, str(f.bits), f"${1} \\cdot {f.exponent_bits} \\cdot {f.mantissa_bits}$", str(f.bias),
                 message(f"fmt_special_{f.kind}", lang)] for f in self.formats]
        layout = render.table(header, rows)
        header = [term("fmt_format", lang), term("fmt_max", lang), term("fmt_eps", lang),
                  term("fmt_min_normal", lang), term("fmt_min_subnormal", lang)]
        rows = [[f.name, _exact_and_decimal(f.max), _exact_and_decimal(f.eps), _exact_and_decimal(f.min_normal),
                 _exact_and_decimal(f.min_subnormal)] for f in self.formats]
        return layout + render.table(header, rows)


@derived
def format_table(formats: tuple = FORMATS) -> FormatTable:
    r"""Every format's layout and limits.

    Examples:
        >>> "2047 \\cdot 2^{5}" in format_table().to_markdown("zh")
        True
    """
    return FormatTable(tuple(fmt(f) for f in formats))


def limit_formulas(kind: str = "ieee") -> str:
    """The limits of a format as formulas of its exponent bits e and mantissa bits m (LaTeX)."""
    e, m = sp.symbols("e m", positive=True, integer=True)
    bias = 2 ** (e - 1) - 1
    top = {"ieee": 2 ** e - 2, "fn": 2 ** e - 1}[kind]
    rows = [
        (r"b", bias),
        (r"x_{\max}", sp.Mul(2 - 2 ** -m * (2 if kind == "fn" else 1), sp.Pow(2, top - bias), evaluate=False)),
        (r"\epsilon", 2 ** -m),
        (r"x_{\min}", sp.Pow(2, 1 - bias)),
        (r"s_{\min}", sp.Pow(2, 1 - bias - m)),
    ]
    return render.equations(rows)


@dataclass(frozen=True)
class Formulas(render.Published):
    """The formats' limits as formulas, for IEEE-style formats or `fn` ones (see `formulas`)."""

    kind: str

    def to_markdown(self, lang: str) -> str:
        return limit_formulas(self.kind)


@derived
def formulas(kind: str = "ieee") -> Formulas:
    """The limits as formulas of e and m for IEEE-style formats (`kind="fn"` for E4M3)."""
    if kind not in ("ieee", "fn"):
        raise ValueError(f"kind must be 'ieee' or 'fn', got {kind!r}")
    return Formulas(kind)


@dataclass(frozen=True)
class Rounding(render.Published):
    """One real number rounded into several formats, with the relative error of each."""

    value: sp.Rational
    shown: str  # how the value is written on the page, e.g. 10^{-8}
    rounded: tuple[tuple[Format, sp.Expr], ...]
    claims: Claims | None = None

    def to_markdown(self, lang: str) -> str:
        header = [term("fmt_format", lang), message("fmt_value", lang), message("fmt_relative_error", lang)]
        rows = []
        for f, result in self.rounded:
            if result == 0:
                shown, error = message("fmt_zero", lang), "$-1$"
            elif result.is_infinite:
                shown, error = message("fmt_infinity", lang), "—"
            else:
                shown = f"${render.decimal(result, 8)}$"
                error = f"${render.decimal((result - self.value) / self.value, 3)}$"
            rows.append([f.name, shown, error])
        out = f"\n$x = {self.shown}$\n" + render.table(header, rows)
        return out + (self.claims.to_markdown(lang) if self.claims else "")


@derived
def underflow(x: str = "1e-8") -> Rounding:
    """The lecture's example: 1e-8 underflows to 0 in fp16 but not in bf16.

    Examples:
        >>> result = underflow()
        >>> dict((f.name, r) for f, r in result.rounded)["fp16"]
        0
    """
    value = sp.Rational(x)
    rounded = tuple((f, f.round(value)) for f in (FP32, FP16, BF16))
    by_name = {f.name: r for f, r in rounded}
    claims = Claims((
        Claim(("fp16: 1e-8 == 0 (underflow)", "fp16：1e-8 == 0（下溢）"), by_name["fp16"], "==", 0,
              r"\mathrm{fl}_{16}(x)"),
        Claim(("fp16: below half the smallest subnormal", "fp16：小于最小次正规数的一半"),
              value, "<", FP16.min_subnormal / 2, "x"),
        Claim(("bf16: 1e-8 != 0 (no underflow)", "bf16：1e-8 != 0（未下溢）"), by_name["bf16"], ">", 0,
              r"\mathrm{fl}_{\mathrm{bf}16}(x)"),
    ))
    return Rounding(value, render.latex(value) if value.q < 10**6 else f"{render.decimal(value, 3)}",
                    rounded, claims)


@derived
def rounding(x, formats: tuple = (FP32, BF16, FP16, FP8_E4M3, FP8_E5M2)) -> Rounding:
    """`x` rounded into each format, with no claims: for worked questions.

    Examples:
        >>> [str(r) for _, r in rounding(257).rounded]
        ['257', '256', '257', '256', '256']
    """
    value = _real("x", x)
    results = []
    for f in formats:
        f = fmt(f)
        try:
            results.append((f, f.round(value)))
        except FormatOverflow:
            results.append((f, sp.oo))
    return Rounding(value, render.latex(value), tuple(results))


@dataclass(frozen=True)
class Precision(render.Published):
    """Resolution of each format: relative spacing, values per power of two."""

    formats: tuple[Format, ...]

    def to_markdown(self, lang: str) -> str:
        header = [term("fmt_format", lang), term("fmt_eps", lang), message("fmt_unit_roundoff", lang),
                  message("fmt_values_per_binade", lang), term("fmt_dynamic_range", lang)]
        rows = [[f.name, f"${power_latex(f.eps)}$",
                 f"${power_latex(f.eps / 2)} \\approx {render.decimal(f.eps / 2, 3)}$",
                 f"${render.integer(2 ** f.mantissa_bits)}$",
                 f"$\\log_{{10}}(x_{{\\max}}/x_{{\\min}}) \\approx "
                 f"{render.decimal(sp.log(f.max / f.min_normal, 10).evalf(20), 3)}$"]
                for f in self.formats]
        return render.table(header, rows)


@derived
def precision(formats: tuple = FORMATS) -> Precision:
    """Relative spacing (eps and eps/2) and dynamic range of each format."""
    return Precision(tuple(fmt(f) for f in formats))
