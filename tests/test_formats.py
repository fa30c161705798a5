"""Number formats (lecture 2): limits and rounding, checked without the module's own formulas.

- fp32 and fp16 against numpy's `finfo`;
- every 16-bit pattern of fp16 (numpy's float16) and bf16 (the top half of a float32)
  decoded by numpy, and every 8-bit pattern of the fp8 formats decoded by a table written
  here from the OCP and FNUZ specifications; limits read off those enumerations;
- `round` against the nearest enumerated value (ties to the even pattern, overflow as the
  format defines it), against numpy's float16 cast, and against a bit-level bf16 conversion;
- published limits written as arithmetic with their source.
"""

from __future__ import annotations

import bisect
from fractions import Fraction

import numpy as np
import pytest
import sympy as sp

from derivations import formats
from derivations.formats import BF16, FP8_E4M3, FP8_E4M3_FNUZ, FP8_E5M2, FP8_E5M2_FNUZ, FP16, FP32

pytestmark = pytest.mark.filterwarnings("ignore:invalid value:RuntimeWarning", "ignore:overflow:RuntimeWarning")
RNG = np.random.default_rng(2)
INF = float("inf")


def exact(value) -> Fraction:
    return Fraction(float(value))


# ---------------------------------------------------------------- independent decoders

def fp16_values() -> dict[int, float]:
    patterns = np.arange(2**16, dtype=np.uint16)
    return dict(zip(patterns.tolist(), patterns.view(np.float16).astype(np.float64).tolist(), strict=True))


def bf16_values() -> dict[int, float]:
    patterns = np.arange(2**16, dtype=np.uint32)
    return dict(zip(patterns.tolist(), (patterns << 16).view(np.float32).astype(np.float64).tolist(), strict=True))


# OCP 8-bit floating point specification rev. 1.0 (2023), table 1, and Noune et al. 2022 for FNUZ:
# (exponent bits, mantissa bits, bias, rule for the special patterns).
FP8_SPECS = {
    "E4M3": (4, 3, 7, "nan_all_ones"),        # S.1111.111 is NaN; no infinities
    "E5M2": (5, 2, 15, "ieee"),               # S.11111.00 is ±inf, S.11111.xx NaN
    "E4M3_FNUZ": (4, 3, 8, "nan_negative_zero"),  # 1.0000.000 is the only NaN
    "E5M2_FNUZ": (5, 2, 16, "nan_negative_zero"),
}


def fp8_value(pattern: int, spec: str) -> float:
    e_bits, m_bits, bias, rule = FP8_SPECS[spec]
    sign = -1.0 if pattern & 0x80 else 1.0
    exponent = (pattern >> m_bits) & ((1 << e_bits) - 1)
    mantissa = pattern & ((1 << m_bits) - 1)
    if rule == "nan_negative_zero" and pattern == 0x80:
        return float("nan")
    if rule == "nan_all_ones" and (pattern & 0x7F) == 0x7F:
        return float("nan")
    if rule == "ieee" and exponent == (1 << e_bits) - 1:
        return sign * INF if mantissa == 0 else float("nan")
    if exponent == 0:
        return sign * mantissa / (1 << m_bits) * 2.0 ** (1 - bias)
    return sign * (1 + mantissa / (1 << m_bits)) * 2.0 ** (exponent - bias)


def fp8_values(spec: str) -> dict[int, float]:
    return {p: fp8_value(p, spec) for p in range(256)}


ENUMERATED = {
    "fp16": (FP16, fp16_values),
    "bf16": (BF16, bf16_values),
    "E4M3": (FP8_E4M3, lambda: fp8_values("E4M3")),
    "E5M2": (FP8_E5M2, lambda: fp8_values("E5M2")),
    "E4M3_FNUZ": (FP8_E4M3_FNUZ, lambda: fp8_values("E4M3_FNUZ")),
    "E5M2_FNUZ": (FP8_E5M2_FNUZ, lambda: fp8_values("E5M2_FNUZ")),
}


def finite_positive(values: dict[int, float]) -> list[Fraction]:
    return sorted({exact(v) for v in values.values() if np.isfinite(v) and v > 0})


# ---------------------------------------------------------------- limits

@pytest.mark.parametrize("dtype, fmt", [(np.float32, FP32), (np.float16, FP16)])
def test_limits_match_numpy_finfo(dtype, fmt):
    info = np.finfo(dtype)
    assert fmt.max == sp.Rational(exact(info.max))
    assert fmt.eps == sp.Rational(exact(info.eps))
    assert fmt.min_normal == sp.Rational(exact(info.smallest_normal))
    assert fmt.min_subnormal == sp.Rational(exact(info.smallest_subnormal))
    assert fmt.bits == info.bits == 8 * np.dtype(dtype).itemsize


@pytest.mark.parametrize("name", ENUMERATED)
def test_limits_match_the_enumerated_bit_patterns(name):
    fmt, enumerate_values = ENUMERATED[name]
    values = finite_positive(enumerate_values())
    assert fmt.max == sp.Rational(values[-1])
    assert fmt.min_subnormal == sp.Rational(values[0])
    in_one_binade = [v for v in values if 1 <= v < 2]
    assert fmt.eps == sp.Rational(values[values.index(1) + 1] - 1)
    assert fmt.eps == sp.Rational(1, len(in_one_binade))
    # subnormals are the multiples of the smallest one below the smallest normal,
    # which the first binade shares its spacing with
    gaps = [b - a for a, b in zip(values, values[1:], strict=False)]
    first_wider_gap = next(i for i, gap in enumerate(gaps) if gap > values[0])
    assert values[: first_wider_gap + 1] == [values[0] * k for k in range(1, first_wider_gap + 2)]
    # the evenly spaced run covers the subnormals and the first binade [min_normal, 2 min_normal]
    assert 2 * fmt.min_normal == sp.Rational(values[first_wider_gap])
    assert fmt.min_normal == sp.Rational(values[0] * len(in_one_binade))


@pytest.mark.parametrize("name", ENUMERATED)
def test_decode_agrees_with_the_independent_decoder_on_every_pattern(name):
    fmt, enumerate_values = ENUMERATED[name]
    for pattern, value in enumerate_values().items():
        decoded = fmt.decode(pattern)
        if np.isnan(value):
            assert decoded is sp.nan, (name, hex(pattern))
        elif np.isinf(value):
            assert decoded == (sp.oo if value > 0 else -sp.oo), (name, hex(pattern))
        else:
            assert decoded == sp.Rational(exact(value)), (name, hex(pattern))


def test_fp32_decode_agrees_with_numpy_on_random_patterns():
    patterns = RNG.integers(0, 2**32, size=2000, dtype=np.uint64).astype(np.uint32)
    for pattern, value in zip(patterns.tolist(), patterns.view(np.float32).astype(np.float64).tolist(), strict=True):
        if np.isfinite(value):
            assert FP32.decode(pattern) == sp.Rational(exact(value))


def test_published_limits():
    # OCP OFP8 spec rev 1.0, table 1: E4M3 max S.1111.110 = 1.75 * 2^8, E5M2 max 1.75 * 2^15
    assert FP8_E4M3.max == sp.Rational(7, 4) * 2**8 == 448
    assert FP8_E5M2.max == sp.Rational(7, 4) * 2**15 == 57344
    assert (FP8_E4M3.min_normal, FP8_E4M3.min_subnormal) == (sp.Rational(1, 2**6), sp.Rational(1, 2**9))
    assert (FP8_E5M2.min_normal, FP8_E5M2.min_subnormal) == (sp.Rational(1, 2**14), sp.Rational(1, 2**16))
    # Lecture 2: "E4M3 (range [-448, 448]) and E5M2 ([-57344, 57344])"
    assert (-FP8_E4M3.max, -FP8_E5M2.max) == (-448, -57344)
    # AMD/Graphcore FNUZ (Noune et al. 2022): E4M3FNUZ max 240 = 1.875 * 2^7, bias 8
    assert FP8_E4M3_FNUZ.max == sp.Rational(15, 8) * 2**7 == 240
    assert FP8_E5M2_FNUZ.max == 57344 and FP8_E5M2_FNUZ.min_subnormal == sp.Rational(1, 2**17)
    # bf16 keeps fp32's exponent: same range, 2^-7 resolution (Google's bfloat16 page)
    assert BF16.min_normal == FP32.min_normal and BF16.eps == sp.Rational(1, 128)
    assert BF16.max == (2**8 - 1) * sp.Integer(2) ** 120


# ---------------------------------------------------------------- rounding

class Grid:
    """Non-negative finite values with their patterns, sorted, plus the pattern after the largest."""

    def __init__(self, values: dict[int, float]):
        finite = sorted((exact(v), p) for p, v in values.items() if np.isfinite(v) and v >= 0 and not (v == 0 and p))
        top_value, top_pattern = finite[-1]
        self.top = top_value
        self.points = finite + [(top_value + (top_value - finite[-2][0]), top_pattern + 1)]
        self.keys = [v for v, _ in self.points]

    def nearest(self, x: Fraction):
        """Nearest value, ties to the even pattern; "overflow" past the largest finite value."""
        magnitude = abs(x)
        i = bisect.bisect_left(self.keys, magnitude)
        if i < len(self.keys) and self.keys[i] == magnitude:
            chosen = self.points[i]
        elif i == len(self.keys):
            return "overflow"
        else:
            below, above = self.points[i - 1], self.points[i]
            d_below, d_above = magnitude - below[0], above[0] - magnitude
            if d_below != d_above:
                chosen = below if d_below < d_above else above
            else:
                chosen = below if below[1] % 2 == 0 else above
        if chosen[0] > self.top:
            return "overflow"
        return chosen[0] if x > 0 else -chosen[0]


def samples(fmt) -> list[Fraction]:
    """Random reals across the whole range, plus every midpoint between neighbours (the ties)."""
    low, high = np.log2(float(fmt.min_subnormal)) - 2, np.log2(float(fmt.max)) + 1
    points = [Fraction(float(2.0 ** RNG.uniform(low, high))) for _ in range(300)]
    return points + [-p for p in points[:50]]


@pytest.mark.parametrize("name", ENUMERATED)
def test_round_is_the_nearest_enumerated_value(name):
    fmt, enumerate_values = ENUMERATED[name]
    values = enumerate_values()
    grid = Grid(values)
    positives = finite_positive(values)
    ties = [(a + b) / 2 for a, b in zip(positives, positives[1:], strict=False)][:: max(1, len(positives) // 200)]
    ties.append(positives[0] / 2)  # halfway to zero: ties to the even pattern, zero
    ties.append(positives[-1] + (positives[-1] - positives[-2]) / 2)  # halfway to the overflow pattern
    for x in samples(fmt) + ties:
        expected = grid.nearest(x)
        if expected == "overflow":
            if fmt.has_infinity:
                assert fmt.round(sp.Rational(x)) == (sp.oo if x > 0 else -sp.oo)
            else:
                with pytest.raises(formats.FormatOverflow, match="x = "):
                    fmt.round(sp.Rational(x))
                assert fmt.round(sp.Rational(x), saturate=True) == (fmt.max if x > 0 else -fmt.max)
        else:
            assert fmt.round(sp.Rational(x)) == sp.Rational(expected), (name, x)


def test_round_matches_numpy_float16_cast():
    doubles = np.concatenate([2.0 ** RNG.uniform(-27, 17, size=3000), -(2.0 ** RNG.uniform(-27, 16, size=300))])
    for x, cast in zip(doubles.tolist(), doubles.astype(np.float16).astype(np.float64).tolist(), strict=True):
        rounded = FP16.round(sp.Rational(Fraction(x)))
        expected = sp.oo if cast == INF else -sp.oo if cast == -INF else sp.Rational(exact(cast))
        assert rounded == expected, x


def bf16_from_float32_bits(x: float) -> float:
    """PyTorch's float32 -> bfloat16: round the low 16 bits of the float32 to nearest even."""
    bits = int(np.array([x], dtype=np.float32).view(np.uint32)[0])
    rounded = (bits + 0x7FFF + ((bits >> 16) & 1)) >> 16
    return float(np.array([rounded << 16], dtype=np.uint32).view(np.float32)[0])


def test_the_lectures_underflow_example():
    # lecture 2: torch.tensor([1e-8], dtype=torch.float16) == 0; in bfloat16 it is not
    assert np.float16(1e-8) == 0
    assert FP16.round(1e-8) == 0
    via_float32 = bf16_from_float32_bits(1e-8)
    assert via_float32 != 0
    assert BF16.round(1e-8) == sp.Rational(exact(via_float32))
    assert BF16.round(sp.Rational(1, 10**8)) == BF16.round(1e-8)  # floats are read as their decimal


def test_round_of_irrational_numbers():
    # sqrt(2) = 1.0110101000001..._2: bf16 keeps 7 fraction bits, 1.0110101
    assert BF16.round(sp.sqrt(2)) == 1 + sp.Rational(0b0110101, 128)
    assert FP16.round(sp.pi) == sp.Rational(exact(np.float16(np.pi)))


@pytest.mark.parametrize("bad", [1j, sp.I, "1e-8", None, True, float("nan"), float("inf"), sp.oo])
def test_round_rejects_what_is_not_a_real_number(bad):
    with pytest.raises(ValueError, match="^x must be"):
        FP16.round(bad)


def test_bad_input_names_its_parameter():
    with pytest.raises(ValueError, match="^format 'fp4' is unknown"):
        formats.fmt("fp4")
    with pytest.raises(ValueError, match="^pattern must"):
        FP16.decode(2**16)
    with pytest.raises(ValueError, match="^kind must"):
        formats.Format("x", 4, 3, "posit")
    with pytest.raises(ValueError, match="^mantissa_bits must"):
        formats.Format("x", 4, 0)


def test_published_tables_render_in_both_languages():
    for lang in ("en", "zh"):
        for result in (formats.format_table(), formats.precision(), formats.underflow(), formats.rounding(257),
                       formats.formulas(), formats.formulas("fn")):
            text = result.to_markdown(lang)
            assert text.strip()
    zh = formats.format_table().to_markdown("zh")
    assert "最大有限值" in zh and "Largest" not in zh
