"""The parallel-training calculator: its generated JavaScript against SymPy, and its page glue.

Node evaluates every generated function at several points; SymPy evaluates the same
expression exactly; they must agree to float precision. The glue runs against a stub DOM
with the page's defaults, and its printed outputs are recomputed here by hand.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from derivations import parallel_calculator as pc

NODE = shutil.which("node") or ("/usr/bin/node" if Path("/usr/bin/node").is_file() else None)


@pytest.fixture(scope="module")
def node():
    if NODE is None:
        pytest.skip("node is not installed")
    return NODE


POINTS = [
    pc.DEFAULTS,
    {**pc.DEFAULTS, "t": 4, "p": 2, "d": 64, "m": 8, "K": 8},
    {"N": 7e9, "l": 32, "h": 4096, "a": 32, "s": 4096, "b": 2, "m": 16, "F": 312e12, "C": 80e9,
     "Win": 3e11, "Wout": 2.5e10, "t": 2, "p": 4, "d": 8, "K": 12},
]


def test_generated_javascript_agrees_with_sympy(node):
    names = [pc._SHORT[symbol] for symbol in pc.INPUTS]
    script = pc.javascript() + (
        "const points = JSON.parse(require('fs').readFileSync(0, 'utf8'));\n"
        "console.log(JSON.stringify(points.map(pt => Object.fromEntries("
        "Object.entries(FN).map(([k, f]) => [k, f(...NAMES.map(n => pt[n]))])))));\n")
    out = subprocess.run([node, "-e", script], input=json.dumps(POINTS), capture_output=True, text=True, check=True)
    results = json.loads(out.stdout)
    by_name = {pc._SHORT[symbol]: symbol for symbol in pc.INPUTS}
    for point, result in zip(POINTS, results, strict=True):
        values = {by_name[name]: value for name, value in point.items()}
        for key, expr in pc.expressions().items():
            exact = float(expr.subs(values))
            assert result[key] == pytest.approx(exact, rel=1e-12), key
    assert names == json.loads(re.search(r"const NAMES = (\[.*?\]);", pc.javascript())[1])


STUB_DOM = r"""
const values = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const out = {};
const root = {
  querySelector(sel) {
    let m = sel.match(/name="([^"]+)"/);
    if (m) return {tagName: ["stage", "recompute", "sp"].includes(m[1]) ? "SELECT" : "INPUT",
                   value: String(values[m[1]])};
    m = sel.match(/data-out="([^"]+)"/);
    return {set textContent(v) { out[m[1]] = v; }};
  },
  addEventListener() {},
};
globalThis.document = {getElementById: () => root};
"""


def run_page(node, values):
    html = pc.parallel_calculator().to_markdown("en")
    script = re.search(r"<script>\n(.*)</script>", html, re.S)[1]
    program = STUB_DOM + script + "\nconsole.log(JSON.stringify(out));\n"
    done = subprocess.run([node, "-e", program], input=json.dumps(values), capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def test_page_glue_with_the_defaults(node):
    values = {**pc.DEFAULTS, "stage": 1, "recompute": "selective", "sp": 1}
    out = run_page(node, values)
    v = pc.DEFAULTS
    # by hand: ZeRO-1 state of N/(t p) parameters, activations 34 s b h l / t, ring all-reduces
    state = (4 + 12 / v["d"]) * v["N"] / (v["t"] * v["p"])
    act = 34 * v["s"] * v["b"] * v["h"] * v["l"] / v["t"]
    compute = 6 * v["N"] * v["m"] * v["b"] * v["s"] / (v["t"] * v["p"] * v["F"])
    tp = 4 * v["l"] / v["p"] * v["m"] * 2 * (v["t"] - 1) / v["t"] * 2 * v["b"] * v["s"] * v["h"] / v["Win"]
    bubble = (v["p"] - 1) / v["m"] * (compute + tp)
    dp = 2 * (v["d"] - 1) / v["d"] * 2 * v["N"] / (v["t"] * v["p"]) / v["Wout"]
    step = compute + tp + bubble + dp
    assert float(out["state"]) == pytest.approx(state / 1e9, rel=1e-3)
    assert float(out["act"]) == pytest.approx(act / 1e9, rel=1e-3)
    assert out["fits"] == ("yes" if state + act <= v["C"] else "no")
    assert float(out["step"]) == pytest.approx(step, rel=1e-3)
    assert float(out["mfu"]) == pytest.approx(compute / step, rel=1e-3)
    assert out["devices"] == str(v["t"] * v["p"] * v["d"])
    assert out["error"] == ""


def test_page_glue_rejects_bad_input(node):
    out = run_page(node, {**pc.DEFAULTS, "t": 5, "stage": 0, "recompute": "none", "sp": 0})
    assert "t | h" in out["error"]
    out = run_page(node, {**pc.DEFAULTS, "N": 0, "stage": 0, "recompute": "none", "sp": 0})
    assert "N" in out["error"]


def test_calculator_renders_both_languages():
    zh = pc.parallel_calculator().to_markdown("zh")
    assert "张量并行度t" in zh and "Tensor parallel" not in zh
    assert "每步计算" in pc.calculator_formulas().to_markdown("zh")
