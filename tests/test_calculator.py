"""The calculators: generated JavaScript agrees with SymPy's exact values, the hand-written
script holds no formula, bad input gets a message, and the page works in a real browser.

The JavaScript runs in Node exactly as the page ships it (the <script> printed by the
page's block). Without Node these tests skip, except under CI (CI=true), where they fail.
"""

from __future__ import annotations

import dataclasses
import html
import json
import random
import re
import shutil
import subprocess
from fractions import Fraction
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import browser
import mpmath
import pytest
import sympy as sp
from test_site import built_page

from derivations import calculator, inference_calculators, scaling_calculator, scaling_laws, stats
from derivations.core import i18n
from derivations.core.i18n import message, term
from derivations.hardware import ACCELERATORS, H100_SXM, Accelerator
from derivations.intensity import attention, matmul
from derivations.lectures import lecture10
from derivations.models import LLAMA2_13B, MODELS, Model
from derivations.symbols import (
    DTYPE_BYTES,
    B,
    D,
    F,
    G,
    K,
    N,
    bandwidth,
    chip_bandwidth,
    chip_capacity,
    chips,
    compute,
    kv_bytes,
    param_bytes,
    peak_flops,
    value_bytes,
)

NODE = shutil.which("node") or ("/usr/bin/node" if Path("/usr/bin/node").is_file() else None)
RELATIVE = Fraction(1, 10**12)
SEED = 20240610

HARNESS = r"""
const request = JSON.parse(require("fs").readFileSync(0, "utf8"));
const C = globalThis.LLMCalculators;
const {spec, formulas} = C.mounted[request.id];
const reply = request.cases.map(c => {
  const checked = C.validate(spec, c.texts, c.selected);
  const errors = Object.fromEntries(Object.entries(checked.errors)
    .map(([key, problem]) => [key, {key: problem.error, text: C.message(spec, problem)}]));
  if (Object.keys(errors).length) return {errors};
  const results = C.evaluate(spec, formulas, checked.values, c.selected);
  const formatted = Object.fromEntries(spec.outputs.map(o => [o.name, C.format(results[o.name], o.kind, spec)]));
  return {values: checked.values, results, usable: C.usable(results), formatted};
});
process.stdout.write(JSON.stringify(reply));
"""


def script(calc: calculator.Calculator, lang: str = "en") -> str:
    """The JavaScript of the page's block, as printed into the page."""
    match = re.search(r"<script>\n(.*)</script>$", calc.to_markdown(lang), re.S)
    assert match, "the calculator prints one <script> at its end"
    return match[1]


@pytest.fixture(scope="module")
def node():
    if NODE is None:
        if browser.in_ci():
            pytest.fail("node is missing; CI is set, so the calculator tests must run", pytrace=False)
        pytest.skip("node is not installed: the generated JavaScript cannot be evaluated")
    return NODE


def run(node, calc: calculator.Calculator, cases: list[dict], lang: str = "en", tmp_path: Path | None = None) -> list:
    """Each case's texts and selects through the page's own validate, evaluate and format, in Node."""
    source = script(calc, lang) + HARNESS
    result = subprocess.run([node, "-e", source], input=json.dumps({"id": calc.id, "cases": cases}),
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and not result.stderr, result.stderr
    return json.loads(result.stdout)


def close(js_value, exact) -> bool:
    exact = Fraction(int(sp.numer(exact)), int(sp.denom(exact)))
    return abs(Fraction(js_value) - exact) <= RELATIVE * abs(exact)


def decided(lhs, rhs) -> bool:
    """Whether doubles can tell lhs > rhs from lhs <= rhs (not within rounding of each other)."""
    return abs(lhs - rhs) > sp.Rational(1, 10**9) * max(abs(lhs), abs(rhs))


def uncached(derivation):
    """The derivation itself, bypassing `@derived`: other tests count what the cache computes."""
    return derivation.__wrapped__


# ---- cases ------------------------------------------------------------------------------------

def decode_case(L, D, F, N, K, H, V, flops, bw, hbm, chips, B, S, w="bf16", kv="bf16") -> dict:
    texts = {key: str(value) for key, value in dict(L=L, D=D, F=F, N=N, K=K, H=H, V=V, flops=flops, bw=bw, hbm=hbm,
                                                     chips=chips, B=B, S=S).items()}
    return {"texts": texts, "selected": {"model": "custom", "acc": "custom", "w": w, "kv": kv}}


def decode_expected(case: dict) -> dict:
    """Every result of the decode calculator, exactly, from stats.decode and the intensity module."""
    t = {key: sp.Rational(value) for key, value in case["texts"].items()}
    shape = Model("case", **{name: int(t[name]) for name in "LDFNKHV"})
    device = Accelerator("case", t["flops"], t["bw"], t["hbm"], "")
    w, kv = case["selected"]["w"], case["selected"]["kv"]
    step = uncached(stats.decode)(shape, device, int(t["B"]), int(t["S"]), int(t["chips"]), w, kv)
    w_bytes, kv_size = DTYPE_BYTES[w], DTYPE_BYTES[kv]
    # by hand: a generation matmul reads b_w bytes per weight and does 2 FLOPs per weight per sequence
    mlp_i = 2 * step.batch / w_bytes
    # by hand, per sequence and layer at T = 1: 4·S·D FLOPs over bf16 Q and output (2·2·D bytes)
    # and the cached K and V (2·S·D/G values of b_kv bytes)
    d_model, seq = shape.D, step.seq_len
    attention_i = sp.Rational(4 * seq * d_model) / (4 * d_model + kv_size * 2 * seq * sp.Rational(d_model, shape.G))
    # by hand: 2 FLOPs per parameter per sequence, 4·S·N·H per layer for attention over the cache
    flops = step.batch * (2 * step.num_params + 4 * seq * shape.N * shape.H * shape.L)
    compute_s = flops / (t["chips"] * t["flops"])
    step_s = max(compute_s, step.latency_s)
    return {
        "compute_s": compute_s, "step_s": step_s, "step_throughput": step.batch / step_s,
        "bound": compute_s > step.latency_s, "_bound": (compute_s, step.latency_s),
        "num_params": step.num_params, "param_bytes_total": step.param_bytes_total,
        "kv_bytes_per_seq": step.kv_bytes_per_seq, "kv_bytes_batch": step.batch * step.kv_bytes_per_seq,
        "memory_bytes": step.memory_bytes, "capacity_bytes": step.capacity_bytes, "fits": step.fits,
        "latency_s": step.latency_s, "throughput": step.throughput, "ridge": device.ridge,
        "mlp_intensity": mlp_i, "mlp_regime": mlp_i > device.ridge,
        "attention_intensity": attention_i, "attention_regime": attention_i > device.ridge,
        # what each yes/no compares, to skip ties that doubles cannot decide
        "_fits": (step.memory_bytes, step.capacity_bytes), "_mlp_regime": (mlp_i, device.ridge),
        "_attention_regime": (attention_i, device.ridge),
    }


def matmul_case(B, D, F, flops, bw, b="bf16") -> dict:
    texts = {"mB": str(B), "mD": str(D), "mF": str(F), "mflops": str(flops), "mbw": str(bw)}
    return {"texts": texts, "selected": {"macc": "custom", "mb": b}}


def matmul_expected(case: dict) -> dict:
    t = {key: sp.Rational(value) for key, value in case["texts"].items()}
    product = uncached(matmul)(bytes_per_value=DTYPE_BYTES[case["selected"]["mb"]])
    sizes = {B: t["mB"], D: t["mD"], F: t["mF"]}
    device = Accelerator("case", t["mflops"], t["mbw"], 1, "")
    intensity = product.intensity.subs(sizes)
    return {
        "matmul_flops": product.flops.subs(sizes), "matmul_bytes": product.bytes.subs(sizes),
        "matmul_intensity": intensity, "ridge": device.ridge, "matmul_regime": intensity > device.ridge,
        "_matmul_regime": (intensity, device.ridge),
    }


def decimal_text(rng: random.Random, low: int, high: int) -> str:
    """A hardware figure as a reader types it: three significant digits in e-notation."""
    return f"{rng.randint(100, 999) / 100:g}e{rng.randint(low, high)}"


def log_uniform(rng: random.Random, high: int) -> int:
    """A whole number in [1, high], every order of magnitude about equally likely."""
    return max(1, min(high, round(high ** rng.random())))


def random_decode_cases(count: int) -> list[dict]:
    rng = random.Random(SEED)
    cases = []
    for _ in range(count):
        kv_heads, group = rng.randint(1, 64), rng.choice([1, 1, 2, 4, 5, 8, 16])
        cases.append(decode_case(
            L=log_uniform(rng, 200), D=log_uniform(rng, 65536), F=log_uniform(rng, 262144), N=kv_heads * group,
            K=kv_heads, H=rng.choice([32, 64, 80, 96, 128, 256]), V=log_uniform(rng, 300_000),
            flops=decimal_text(rng, 11, 15), bw=decimal_text(rng, 9, 13), hbm=decimal_text(rng, 9, 12),
            chips=rng.choice([1, 1, 2, 4, 8, 64]), B=log_uniform(rng, 4096), S=log_uniform(rng, 2_000_000),
            w=rng.choice(list(DTYPE_BYTES)), kv=rng.choice(list(DTYPE_BYTES))))
    return cases


def random_matmul_cases(count: int) -> list[dict]:
    rng = random.Random(SEED + 1)
    return [matmul_case(log_uniform(rng, 100_000), log_uniform(rng, 100_000), log_uniform(rng, 100_000),
                        decimal_text(rng, 11, 15), decimal_text(rng, 9, 13), rng.choice(list(DTYPE_BYTES)))
            for _ in range(count)]


def preset_case(model: str, accelerator: str, batch: int, seq_len: int, w="bf16", kv="bf16") -> dict:
    """A case typed from the presets the page ships, as a reader picking them would."""
    spec = inference_calculators.decode_calculator().spec("en")
    presets = {choice["key"]: choice["presets"] for choice in spec["choices"]}
    texts = {**presets["model"][model], **presets["acc"][accelerator], "chips": "1", "B": str(batch),
             "S": str(seq_len)}
    return {"texts": texts, "selected": {"model": model, "acc": accelerator, "w": w, "kv": kv}}


LECTURE = [preset_case("LLAMA2_13B", "H100_SXM", batch, lecture10.LECTURE_SEQ_LEN)
           for batch in lecture10.LECTURE_BATCHES]
MAX = calculator.MAX_SIZE
EDGES = [
    decode_case(1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1),  # every input at its smallest
    decode_case(MAX, MAX, MAX, MAX, MAX, MAX, MAX, calculator.MAX_FLOPS, MAX, MAX, 10**6, MAX, MAX, "fp32", "fp32"),
    decode_case(1, 1, 1, MAX, 1, 1, 1, 1, MAX, 1, 1, 1, MAX, "int4", "int4"),  # MQA, huge context, tiny chip
    decode_case(80, 8192, 28672, 64, 8, 128, 128256, "1.3074e15", "5.3e12", "192e9", 8, 1024, 131072, "fp8", "int8"),
]


# ---- agreement with SymPy ---------------------------------------------------------------------

def assert_agree(reply: dict, expected: dict, case: dict):
    assert "errors" not in reply, (case, reply)
    assert reply["usable"], reply
    for name, value in expected.items():
        if name.startswith("_"):
            continue
        got = reply["results"][name]
        if isinstance(value, (bool, sp.logic.boolalg.BooleanAtom)):
            if decided(*expected["_" + name]):
                assert got is bool(value), (name, case)
        else:
            assert isinstance(got, (int, float)) and not isinstance(got, bool), (name, got)
            assert close(got, value), (name, got, float(value), case)
    for name, text in reply["formatted"].items():
        assert text and not re.search(r"NaN|Infinity|undefined|null", text), (name, text)


def test_decode_javascript_agrees_with_sympy(node):
    cases = random_decode_cases(40) + LECTURE + EDGES
    replies = run(node, inference_calculators.decode_calculator(), cases)
    for case, reply in zip(cases, replies, strict=True):
        assert_agree(reply, decode_expected(case), case)


def test_intensity_javascript_agrees_with_sympy(node):
    cases = random_matmul_cases(40) + [
        matmul_case(1, 1, 1, 1, 1), matmul_case(MAX, MAX, MAX, calculator.MAX_FLOPS, MAX, "fp32"),
        matmul_case(1, MAX, MAX, 1, MAX, "int4"),
        matmul_case(296, 5120, 13824, "989e12", "3.35e12"), matmul_case(295, 5120, 13824, "989e12", "3.35e12"),
    ]
    replies = run(node, inference_calculators.intensity_calculator(), cases)
    for case, reply in zip(cases, replies, strict=True):
        assert_agree(reply, matmul_expected(case), case)


def test_the_lecture_case_reads_as_the_lecture_says(node):
    """Llama 2 13B on one H100 SXM: B = 64 fits, B = 256 does not; generation is memory-limited."""
    small, mid, large = run(node, inference_calculators.decode_calculator(), LECTURE)
    assert (mid["results"]["fits"], large["results"]["fits"]) == (True, False)
    assert not any(reply["results"][name] for reply in (small, mid, large)
                   for name in ("mlp_regime", "attention_regime"))
    step = stats.decode(LLAMA2_13B, H100_SXM, 64, lecture10.LECTURE_SEQ_LEN)
    assert mid["formatted"]["latency_s"] == f"{float(step.latency_s * 1000):.4g} ms"
    assert mid["formatted"]["throughput"] == f"{int(round(step.throughput)):,} tokens/s"
    assert mid["formatted"]["fits"] == message("yes", "en")
    zh = run(node, inference_calculators.decode_calculator(), LECTURE[1:2], lang="zh")[0]
    assert zh["formatted"]["latency_s"] == f"{float(step.latency_s * 1000):.4g}毫秒"
    assert zh["formatted"]["num_params"].endswith("亿")
    assert zh["formatted"]["mlp_regime"] == term("memory_limited", "zh")


def test_presets_are_the_package_constants():
    spec = inference_calculators.decode_calculator().spec("en")
    presets = {choice["key"]: choice["presets"] for choice in spec["choices"] if choice["presets"]}
    for shape in MODELS:
        typed = presets["model"][calculator._key(shape)]
        assert {name: int(typed[name]) for name in "LDFNKHV"} == {name: getattr(shape, name) for name in "LDFNKHV"}
    for device in ACCELERATORS:
        typed = presets["acc"][calculator._key(device)]
        assert [sp.Rational(typed[key]) for key in ("flops", "bw", "hbm")] == [
            device.flops_per_s, device.hbm_bytes_per_s, device.hbm_bytes]
    dtypes = next(choice for choice in spec["choices"] if choice["key"] == "w")["values"]
    assert {name: Fraction(value) for name, value in dtypes.items()} == {
        name: Fraction(int(sp.numer(size)), int(sp.denom(size))) for name, size in DTYPE_BYTES.items()}


# ---- no formula typed by hand -----------------------------------------------------------------

FUNCTION = re.compile(r"^  (\w+): \{args: \[([^\]]*)\],\n    f: \(([^)]*)\) => (.+)\},$")


def generated(calc: calculator.Calculator) -> dict[str, tuple[list[str], str]]:
    lines = calc.javascript.splitlines()
    assert lines[0] == "{" and lines[-1] == "}" and lines[1].lstrip().startswith("//")
    functions = {}
    for first, second in zip(lines[2:-1:2], lines[3:-1:2], strict=True):
        match = FUNCTION.match(f"{first}\n{second}")
        assert match, f"not a generated function: {first}\n{second}"
        name, quoted, params, body = match.groups()
        args = json.loads(f"[{quoted}]")
        assert params.split(", ") == args
        functions[name] = (args, body)
    return functions


def expected_decode_expressions() -> dict[str, sp.Basic]:
    """The decode calculator's expressions, taken from the package here, independently of calculator.py."""
    model = stats.formulas()
    scaled = {bandwidth: chips * chip_bandwidth, compute: chips * peak_flops}
    capacity = chips * chip_capacity
    ridge = Accelerator("symbolic", peak_flops, chip_bandwidth, chip_capacity, "").ridge
    attention_i = sp.factor(attention(group_size=G, kv_bytes=kv_bytes).generate.subs(G, N / K))
    mlp_i = 2 * B / param_bytes  # by hand: D, F >> B, weights of b_w bytes
    return {
        "num_params": model.num_params, "param_bytes_total": model.param_bytes_total,
        "kv_bytes_per_seq": model.kv_bytes_per_seq,
        "kv_bytes_batch": sp.expand(model.memory_bytes - model.param_bytes_total),
        "memory_bytes": model.memory_bytes, "capacity_bytes": capacity, "fits": sp.Le(model.memory_bytes, capacity),
        "latency_s": model.latency_s.subs(scaled), "throughput": model.throughput.subs(scaled),
        "compute_s": model.compute_s.subs(scaled), "step_s": model.step_s.subs(scaled),
        "step_throughput": model.step_throughput.subs(scaled),
        "bound": sp.Gt(model.compute_s, model.latency_s).subs(scaled), "ridge": ridge,
        "mlp_intensity": mlp_i, "mlp_regime": sp.Gt(mlp_i, ridge),
        "attention_intensity": attention_i, "attention_regime": sp.Gt(attention_i, ridge),
    }


def expected_intensity_expressions() -> dict[str, sp.Basic]:
    product = matmul(bytes_per_value=value_bytes)
    ridge = Accelerator("symbolic", peak_flops, chip_bandwidth, 1, "").ridge
    return {"matmul_flops": product.flops, "matmul_bytes": product.bytes, "matmul_intensity": product.intensity,
            "ridge": ridge, "matmul_regime": sp.Gt(product.intensity, ridge)}


@pytest.mark.parametrize(("calc", "expected"), [
    (inference_calculators.decode_calculator, expected_decode_expressions),
    (inference_calculators.intensity_calculator, expected_intensity_expressions),
])
def test_function_bodies_are_sympys_javascript(calc, expected):
    functions, expressions = generated(calc()), expected()
    assert list(functions) == list(expressions)
    for name, expr in expressions.items():
        args, body = functions[name]
        assert body == sp.jscode(expr), name
        assert args == sorted(symbol.name for symbol in expr.free_symbols), name


def test_the_page_shows_the_formula_it_evaluates():
    calc = inference_calculators.decode_calculator()
    page = calc.to_markdown("en")
    for name, expr in expected_decode_expressions().items():
        row = re.search(rf'<tr data-kind="\w+">(?:(?!</tr>).)*id="{calc.id}-out-{name}".*?</tr>', page, re.S)
        assert row, name
        assert sp.latex(expr) in html.unescape(row[0]), name


def js_identifiers(source: str) -> set[str]:
    """Identifiers of JavaScript code, outside comments, strings, templates and regex literals."""
    source = re.sub(r"/\*.*?\*/|//[^\n]*", "", source, flags=re.S)
    source = re.sub(r'"(?:\\.|[^"\\])*"|\'(?:\\.|[^\'\\])*\'|`(?:\\.|[^`\\])*`', '""', source)
    source = re.sub(r"(?<=[=(,])\s*/(?:\\.|[^/\\\n])+/[gimsuy]*", " REGEX", source)
    return set(re.findall(r"(?<![\w$.])[A-Za-z_$][\w$]*", source))


def test_hand_written_script_uses_no_formula_symbol():
    """calculator.js never names a model, hardware or dtype symbol, so it cannot compute a formula."""
    names = {symbol.name for expr in {**expected_decode_expressions(), **expected_intensity_expressions()}.values()
             for symbol in expr.free_symbols} | {"G", "T", "beta", "P"}
    identifiers = js_identifiers(calculator.RUNTIME.read_text("utf-8"))
    assert {"read", "validate", "evaluate", "format", "mount"} <= identifiers  # the scan sees the code
    assert not identifiers & names, identifiers & names


def test_a_formula_that_reads_nothing_known_is_refused():
    with pytest.raises(ValueError, match="reads"):
        calculator.Calculator("x", (), (calculator.Formula("f", sp.Symbol("Q") + 1, "calc_params", "count"),))


# ---- bad input --------------------------------------------------------------------------------

BAD = [  # field, text, message key
    ("L", "", "calc_required"), ("L", "   ", "calc_required"), ("D", "abc", "calc_not_number"),
    ("D", "NaN", "calc_not_number"), ("D", "Infinity", "calc_not_number"), ("F", "0", "calc_positive"),
    ("F", "-5", "calc_positive"), ("N", "2.5", "calc_whole"), ("H", "1e-3", "calc_whole"),
    ("V", "1e16", "calc_too_large"), ("V", "1e400", "calc_too_large"), ("flops", "0.5", "calc_too_small"),
    ("flops", "1e19", "calc_too_large"), ("hbm", "-80e9", "calc_positive"), ("chips", "1.5", "calc_whole"),
    ("B", "0x10", "calc_not_number"), ("S", "1e15.5", "calc_not_number"), ("K", "7", "calc_divides"),
    ("K", "41", "calc_divides"),
]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_bad_input_gets_its_message_and_no_result(node, lang):
    good = preset_case("LLAMA2_13B", "H100_SXM", 64, 1024)
    cases = [{**good, "texts": {**good["texts"], field: text}} for field, text, _ in BAD]
    replies = run(node, inference_calculators.decode_calculator(), cases, lang=lang)
    for (field, text, key), reply in zip(BAD, replies, strict=True):
        assert "results" not in reply, (field, text)
        assert list(reply["errors"]) == [field], (field, text, reply)
        error = reply["errors"][field]
        assert error["key"] == key, (field, text, error)
        assert "{" not in error["text"] and not re.search(r"NaN|Infinity|undefined", error["text"]), error
        assert error["text"].startswith(i18n.text(key, lang).split("{")[0]), error
    texts = {field: reply["errors"][field]["text"] for (field, _, _), reply in zip(BAD, replies, strict=True)}
    assert "40" in texts["K"]  # K's message names the query heads it must divide
    assert texts["V"] == message("calc_too_large", lang).format(max="1×10¹⁵")


def test_readable_ways_of_typing_a_number_are_accepted(node):
    good = preset_case("LLAMA2_13B", "H100_SXM", 64, 1024)
    typed = {"B": " 64 ", "S": "1,024", "V": "32 000", "H": "１２８", "bw": "3.35E12", "hbm": "80_000_000_000"}
    reply = run(node, inference_calculators.decode_calculator(), [{**good, "texts": {**good["texts"], **typed}}])[0]
    assert "errors" not in reply, reply
    assert {key: reply["values"][key] for key in typed} == {
        "B": 64, "S": 1024, "V": 32000, "H": 128, "bw": 3_350_000_000_000, "hbm": 80_000_000_000}


# ---- the published page, in a browser -----------------------------------------------------------

NAME = "tools/calculators"


def test_site_ships_the_generated_code(site):
    for lang in ("en", "zh"):
        page = built_page(site.site, NAME, lang).read_text("utf-8")
        for calc in (inference_calculators.decode_calculator(), inference_calculators.intensity_calculator()):
            assert calc.javascript in page
            assert f'<form class="calc" id="{calc.id}"' in page
        assert page.count("<script>\n/* The calculators' hand-written JavaScript") == 2


@pytest.fixture(scope="module")
def chromium_page(site):
    reason = browser.chromium_missing()
    if reason:
        if browser.in_ci():
            pytest.fail(f"{reason}; CI is set, so the browser tests must run", pytrace=False)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    # empty search indexes: the real ones are loaded by test_browser.py's search tests
    with browser.SiteServer(site.site, empty_search=True) as server, sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(browser.CHROMIUM), args=browser.CHROMIUM_ARGS)
        context = chromium.new_context(viewport={"width": 1280, "height": 900}, reduced_motion="reduce")
        context.set_default_timeout(browser.TIMEOUT_MS)
        page = context.new_page()
        watch = browser.Watch(page)
        yield server, watch
        context.close()
        chromium.close()


def output(page, name: str) -> str:
    return page.locator(f"#decode-calculator-out-{name}").text_content()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_calculator_in_the_browser(chromium_page, lang):
    server, watch = chromium_page
    watch.reset()
    page = watch.page
    page.goto(server.url(NAME, lang), wait_until="load")
    math = browser.typeset_math(page)
    assert math["outcome"] == "done" and not math["untypeset"] and not math["errors"], math

    # every control has its own label, and the lecture's case is computed on load
    unlabelled = page.eval_on_selector_all(".calc input, .calc select",
                                           "els => els.filter(e => e.labels.length !== 1).map(e => e.id)")
    assert unlabelled == []
    assert output(page, "fits") == message("yes", lang)
    first_latency = output(page, "latency_s")
    assert re.fullmatch(r"[\d.]+ ?(ms|毫秒)", first_latency), first_latency

    # a larger batch: no longer fits, and the address bar says so
    page.fill("#decode-calculator-B", "256")
    assert output(page, "fits") == message("no", lang)
    assert parse_qs(urlsplit(page.url).query) == {"B": ["256"]}

    # a bad value: an inline message tied to the field, results withdrawn, nothing breaks
    page.fill("#decode-calculator-K", "7")
    k = page.locator("#decode-calculator-K")
    assert k.get_attribute("aria-invalid") == "true"
    note = page.locator("#decode-calculator-K-msg")
    assert note.get_attribute("id") in k.get_attribute("aria-describedby").split()
    assert note.text_content() == message("calc_divides", lang).format(other="40")
    assert output(page, "latency_s") == message("calc_no_result", lang)
    assert page.locator("#decode-calculator-status").text_content() == message("calc_fix_fields", lang)
    assert page.locator("#decode-calculator-model").input_value() == "custom"

    # fixed: grouped-query attention makes the batch fit again
    page.fill("#decode-calculator-K", "8")
    assert k.get_attribute("aria-invalid") is None and note.text_content() == ""
    assert output(page, "fits") == message("yes", lang)
    shared = page.url
    assert parse_qs(urlsplit(shared).query) == {"model": ["custom"], "K": ["8"], "B": ["256"]}
    results = {name: output(page, name) for name in ("memory_bytes", "latency_s", "throughput")}

    # the link reproduces the case
    page.goto("about:blank")
    page.goto(shared, wait_until="load")
    assert page.locator("#decode-calculator-K").input_value() == "8"
    assert page.locator("#decode-calculator-model").input_value() == "custom"
    assert {name: output(page, name) for name in results} == results

    # a preset from the keyboard refills the model's fields and cleans the address bar
    page.focus("#decode-calculator-model")
    page.select_option("#decode-calculator-model", "LLAMA2_70B")
    assert page.locator("#decode-calculator-L").input_value() == str(MODELS[2].L)
    assert "K=" not in page.url and "model=LLAMA2_70B" in page.url
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "decode-calculator-L"

    # the matmul calculator beside it keeps its own keys
    page.fill("#intensity-calculator-mB", "512")
    assert page.locator("#intensity-calculator-out-matmul_regime").text_content() == term("compute_limited", lang)
    assert "mB=512" in page.url and "B=256" in page.url

    watch.settle()
    assert watch.problems == [], "\n".join(watch.problems)


# ---- what the reader sees: value and unit at each unit-prefix boundary -------------------------

FORMAT_HARNESS = r"""
const request = JSON.parse(require("fs").readFileSync(0, "utf8"));
const C = globalThis.LLMCalculators;
const {spec} = C.mounted[request.id];
process.stdout.write(JSON.stringify(request.values.map(([value, kind]) => C.format(value, kind, spec))));
"""

# Typed here, not read from calculator.py: the prefixes a reader expects, smallest first.
PREFIXES = {
    "bytes": ["B", "kB", "MB", "GB", "TB", "PB"],
    "bytes_per_s": ["B/s", "kB/s", "MB/s", "GB/s", "TB/s", "PB/s"],
    "flops": ["FLOP/s", "kFLOP/s", "MFLOP/s", "GFLOP/s", "TFLOP/s", "PFLOP/s", "EFLOP/s"],
}
SECONDS = {"en": [(-9, " ns"), (-6, " µs"), (-3, " ms"), (0, " s")],
           "zh": [(-9, "纳秒"), (-6, "微秒"), (-3, "毫秒"), (0, "秒")]}


def formatted(node, calc, values, lang):
    source = script(calc, lang) + FORMAT_HARNESS
    result = subprocess.run([node, "-e", source], input=json.dumps({"id": calc.id, "values": values}),
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and not result.stderr, result.stderr
    return json.loads(result.stdout)


def boundary_cases(lang):
    """(value, kind, text the reader must see) at, just above and just below each prefix boundary."""
    cases = []
    for kind, units in PREFIXES.items():
        for power, unit in enumerate(units):
            scale = 10 ** (3 * power)
            cases.append((scale, kind, f"1 {unit}"))
            cases.append((2.5 * scale, kind, f"2.5 {unit}"))
            if power + 1 < len(units):  # just below the next prefix stays in this one
                cases.append((999.9 * scale, kind, f"999.9 {unit}"))
    for lang_units in [SECONDS[lang]]:
        for exponent, unit in lang_units:
            scale = 10.0 ** exponent
            cases.append((scale, "seconds", f"1{unit}"))
            cases.append((2.5 * scale, "seconds", f"2.5{unit}"))
            if exponent < 0:
                cases.append((999.9 * scale, "seconds", f"999.9{unit}"))
    return cases


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_units_at_every_prefix_boundary(node, lang):
    cases = boundary_cases(lang)
    typed = [[value, kind] for value, kind, _ in cases]
    shown = formatted(node, inference_calculators.decode_calculator(), typed, lang)
    for (value, kind, expected), text in zip(cases, shown, strict=True):
        assert text == expected, (value, kind, text, expected)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_step_outputs_read_as_the_derivation_says(node, lang):
    """Llama 2 13B with one KV head at its largest batch: the page shows compute-limited, and the
    compute time and both throughputs as `stats.decode` computes them."""
    shape = dataclasses.replace(LLAMA2_13B, K=1)
    case = decode_case(*(getattr(shape, name) for name in "LDFNKHV"), "989e12", "3.35e12", "80e9", 1, 2768, 1024)
    reply = run(node, inference_calculators.decode_calculator(), [case], lang=lang)[0]
    step = stats.decode(shape, H100_SXM, 2768, 1024)
    assert reply["results"]["bound"] is True and step.bound == "compute"
    assert reply["formatted"]["bound"] == term("compute_limited", lang)
    unit = " ms" if lang == "en" else "毫秒"
    assert reply["formatted"]["compute_s"] == f"{float(step.compute_s * 1000):.4g}{unit}"
    assert reply["formatted"]["step_s"] == reply["formatted"]["compute_s"]
    # with int8 weights the MLP turns compute-limited at 148 on the H100 SXM, not 296
    for batch, limited in ((147, False), (148, True)):
        preset = preset_case("LLAMA2_13B", "H100_SXM", batch, 1024, w="int8")
        reply = run(node, inference_calculators.decode_calculator(), [preset], lang=lang)[0]
        assert reply["results"]["mlp_regime"] is limited


# ---- the scaling-law calculator (lectures 9 and 11) ----------------------------------------------

def scaling_case(budget="576e21", fit="CHINCHILLA", size="70e9", given="flops", **texts) -> dict:
    """A case as a reader types it: a budget (or a cluster) and a fit from the page's presets."""
    spec = scaling_calculator.scaling_calculator().spec("en")
    presets = {choice["key"]: choice["presets"] for choice in spec["choices"] if choice["presets"]}
    typed = {"C": budget, "sflops": "989e12", "schips": "1024", "days": "30", "mfu": "0.4", "N": size,
             **(presets["fit"][fit] if fit != "custom" else {}), **texts}
    return {"texts": typed, "selected": {"given": given, "sacc": "custom", "fit": fit}}


def golden_minimum(f, low, high, tolerance):
    """The minimiser of a unimodal `f` on [low, high], by golden-section search."""
    ratio = (mpmath.sqrt(5) - 1) / 2
    a, b = mpmath.mpf(low), mpmath.mpf(high)
    c, d = b - ratio * (b - a), a + ratio * (b - a)
    fc, fd = f(c), f(d)
    while b - a > tolerance:
        if fc < fd:
            b, d, fd = d, c, fc
            c = b - ratio * (b - a)
            fc = f(c)
        else:
            a, c, fc = c, d, fd
            d = a + ratio * (b - a)
            fd = f(d)
    return (a + b) / 2


def minimised(budget, fit) -> tuple:
    """N and D minimising E + A/N^α + B/D^β on 6ND = C, found numerically over log N (40 digits)."""
    with mpmath.workdps(40):
        E, A, B, alpha, beta = (mpmath.mpf(sp.Rational(getattr(fit, name)).p) / sp.Rational(getattr(fit, name)).q
                                for name in ("E", "A", "B", "alpha", "beta"))
        C = mpmath.mpf(budget)

        def loss(log_n):
            n = mpmath.exp(log_n)
            return E + A / n**alpha + B / (C / (6 * n)) ** beta

        # the optimum lies between one parameter and C/6 parameters (one token): search all of it
        log_n = golden_minimum(loss, 0, mpmath.log(C / 6), mpmath.mpf(10) ** -25)
        n = mpmath.exp(log_n)
        return float(n), float(C / (6 * n)), float(loss(log_n))


def relative(a, b) -> float:
    return abs(a - b) / abs(b)


SCALING_BUDGETS = ["1e18", "1e20", "576e21", "1e24", "3.8e25", "1e26", "1e28"]


def test_scaling_javascript_agrees_with_a_numeric_minimisation(node):
    """The page's N_opt, D_opt, D/N and loss, from the generated code, against golden-section search
    on the loss along 6ND = C, for several budgets and both published fits."""
    fits = {"CHINCHILLA": scaling_laws.CHINCHILLA, "BESIROGLU": scaling_laws.BESIROGLU}
    cases = [scaling_case(budget, key) for key in fits for budget in SCALING_BUDGETS]
    replies = run(node, scaling_calculator.scaling_calculator(), cases)
    for case, reply in zip(cases, replies, strict=True):
        assert "errors" not in reply and reply["usable"], reply
        got = reply["results"]
        fit = fits[case["selected"]["fit"]]
        budget = float(case["texts"]["C"])
        params, tokens, loss = minimised(case["texts"]["C"], fit)
        assert got["budget"] == budget
        assert relative(got["params"], params) < 1e-9, (case, got["params"], params)
        assert relative(got["tokens"], tokens) < 1e-9, (case, got["tokens"], tokens)
        assert relative(got["ratio"], tokens / params) < 1e-9
        assert relative(got["loss"], loss) < 1e-12, (case, got["loss"], loss)
        assert relative(6 * got["params"] * got["tokens"], budget) < 1e-12


def test_scaling_javascript_agrees_with_compute_optimal(node):
    """The same results against the package's exact `compute_optimal` (SymPy), to 12 digits."""
    fits = {"CHINCHILLA": scaling_laws.CHINCHILLA, "BESIROGLU": scaling_laws.BESIROGLU}
    cases = [scaling_case(budget, key) for key in fits for budget in ("1e20", "576e21", "1e26")]
    for case, reply in zip(cases, run(node, scaling_calculator.scaling_calculator(), cases), strict=True):
        best = uncached(scaling_laws.compute_optimal)(sp.Rational(case["texts"]["C"]), fits[case["selected"]["fit"]])
        assert close(reply["results"]["params"], sp.nsimplify(best.params.evalf(40), rational=True))
        assert close(reply["results"]["tokens"], sp.nsimplify(best.tokens.evalf(40), rational=True))
        assert close(reply["results"]["loss"], sp.nsimplify(best.loss.evalf(40), rational=True))


def test_scaling_cluster_budget_and_inverse(node):
    """A cluster's budget is peak × chips × days × 86400 × MFU; the inverse's budget makes its N optimal."""
    cases = [scaling_case(given="cluster", budget="not read when hidden", sflops="989e12", schips="16384",
                          days="54", mfu="0.4", size="405e9"),
             scaling_case(fit="BESIROGLU", size="7e9"),
             scaling_case(size="1e12")]
    replies = run(node, scaling_calculator.scaling_calculator(), cases)
    cluster = replies[0]
    assert "errors" not in cluster, cluster
    by_hand = sp.Rational("989e12") * 16384 * 54 * 86400 * sp.Rational(2, 5)
    assert close(cluster["results"]["budget"], by_hand)
    params, _, _ = minimised(str(by_hand), scaling_laws.CHINCHILLA)
    assert relative(cluster["results"]["params"], params) < 1e-9
    fits = [scaling_laws.CHINCHILLA, scaling_laws.BESIROGLU, scaling_laws.CHINCHILLA]
    for case, reply, fit in zip(cases, replies, fits, strict=True):
        size = float(case["texts"]["N"])
        budget = reply["results"]["inverse_budget"]
        assert relative(minimised(repr(budget), fit)[0], size) < 1e-9, (case, budget)
        assert relative(reply["results"]["inverse_tokens"], budget / (6 * size)) < 1e-12
        exact = uncached(scaling_laws.optimal_budget)(sp.Rational(case["texts"]["N"]), fit)
        assert close(budget, sp.nsimplify(exact.evalf(40), rational=True))


def test_scaling_results_read_with_their_units(node):
    """What the reader sees: FLOPs, parameters and tokens in each language's way of naming them."""
    best = scaling_laws.compute_optimal(sp.Rational("576e21"))
    params, tokens = float(best.params), float(best.tokens)
    for lang, shown in (("en", {"budget": "5.76×10²³ FLOPs", "params": f"{params / 1e9:.4g}B parameters",
                                "tokens": f"{tokens / 1e12:.4g}T tokens"}),
                        ("zh", {"budget": "5.76×10²³ FLOPs", "params": f"{params / 1e8:.4g}亿个参数",
                                "tokens": f"{tokens / 1e12:.4g}万亿个词元"})):
        reply = run(node, scaling_calculator.scaling_calculator(), [scaling_case()], lang=lang)[0]
        assert {name: reply["formatted"][name] for name in shown} == shown
        assert reply["formatted"]["loss"].endswith(" nats/token" if lang == "en" else "奈特/词元")


SCALING_BAD = [  # field, text, message key
    ("C", "", "calc_required"), ("C", "lots", "calc_not_number"), ("C", "0", "calc_positive"),
    ("C", "-1e24", "calc_positive"), ("C", "1e36", "calc_too_large"), ("alpha", "0", "calc_positive"),
    ("beta", "1.5", "calc_too_large"), ("E", "1e-4", "calc_too_small"), ("A", "abc", "calc_not_number"),
    ("N", "2.5", "calc_whole"), ("N", "1e17", "calc_too_large"),
]
SCALING_BAD_CLUSTER = [("mfu", "1.2", "calc_too_large"), ("mfu", "0", "calc_positive"),
                       ("days", "x", "calc_not_number"), ("schips", "0.5", "calc_whole"),
                       ("sflops", "1e19", "calc_too_large")]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_scaling_bad_input_names_its_field(node, lang):
    cases = [scaling_case(**{field: text}) for field, text, _ in SCALING_BAD]
    cases += [scaling_case(given="cluster", **{field: text}) for field, text, _ in SCALING_BAD_CLUSTER]
    replies = run(node, scaling_calculator.scaling_calculator(), cases, lang=lang)
    for (field, text, key), reply in zip(SCALING_BAD + SCALING_BAD_CLUSTER, replies, strict=True):
        assert "results" not in reply, (field, text)
        assert list(reply["errors"]) == [field], (field, text, reply)
        assert reply["errors"][field]["key"] == key, (field, text, reply)
    # a hidden field is not read: the cluster's bad MFU does not block a budget typed in FLOPs
    reply = run(node, scaling_calculator.scaling_calculator(), [scaling_case(mfu="1.2")], lang=lang)[0]
    assert "errors" not in reply and reply["usable"]


def test_scaling_formulas_are_the_lagrange_solution():
    """The generated bodies are sympy.jscode of lagrange()'s N_opt and D_opt, the law, and budget_law()."""
    functions = generated(scaling_calculator.scaling_calculator())
    solution = scaling_laws.lagrange()
    assert functions["params"][1] == sp.jscode(solution.params)
    assert functions["tokens"][1] == sp.jscode(solution.tokens)
    assert functions["inverse_budget"][1] == sp.jscode(scaling_laws.budget_law())
    # the inverse, checked independently: C = 6 (N/G)^{1/a} puts N back on the frontier
    G = (scaling_laws.alpha_sl * scaling_laws.A_sl / (scaling_laws.beta_sl * scaling_laws.B_sl)) ** (
        1 / (scaling_laws.alpha_sl + scaling_laws.beta_sl))
    a = scaling_laws.beta_sl / (scaling_laws.alpha_sl + scaling_laws.beta_sl)
    values = {**scaling_laws.CHINCHILLA.values, scaling_laws.N: 7 * 10**10}
    assert sp.N(scaling_laws.budget_law().subs(values), 30) == sp.N((6 * (scaling_laws.N / G) ** (1 / a)).subs(values),
                                                                  30)
    page = scaling_calculator.scaling_calculator().to_markdown("zh")
    assert r"\text{for}" not in page and "otherwise" not in page
