"""The calculator engine: in-page calculators whose JavaScript is generated from SymPy expressions.

Every formula a calculator evaluates is an expression from a topic module, printed to
JavaScript with SymPy's code printer (`sympy.jscode`) and to LaTeX with `render.latex`, so
the page shows the formula it evaluates. The calculators live with their lectures
(`inference_calculators`, `scaling_calculator`, `lectures.lecture02`); this module imports no
topic, so that an edit to one lecture's derivations does not re-run another's blocks
(mdext.exec_cache follows imports). The only
hand-written JavaScript is `calculator.js` beside this file: it reads and checks the
inputs, calls the generated functions in order, formats the results and mirrors the
inputs into the query string. Presets (models, accelerators, dtypes) are the package's
own constants, written into the page as JSON.
"""

from __future__ import annotations

import html
import inspect
import json
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import sympy as sp

from .catalog.hardware import ACCELERATORS, H100_SXM, Accelerator
from .catalog.models import LLAMA2_13B, MODELS
from .core import i18n, render
from .core.i18n import check_lang, message, pair, text
from .core.symbols import REGISTRY
from .symbols import (
    DTYPE_BYTES,
    D,
    F,
    H,
    K,
    L,
    N,
    V,
    chip_bandwidth,
    chip_capacity,
    chips,
    peak_flops,
)

i18n.register("calculators", messages={
    'calc_model': ('Model', '模型'),
    'calc_accelerator': ('Accelerator', '加速器'),
    'calc_workload': ('Batch and context', '批大小与上下文'),
    'calc_sizes': ('Matrix sizes', '矩阵规模'),
    'calc_preset': ('Preset', '预设'),
    'calc_custom': ('Custom values', '自定义'),
    'calc_layers': ('Layers', '层数'),
    'calc_model_dim': ('Model dimension', '模型维度'),
    'calc_mlp_dim': ('MLP hidden dimension', 'MLP隐藏层维度'),
    'calc_query_heads': ('Query heads', '查询头数'),
    'calc_kv_heads': ('KV heads', 'KV头数'),
    'calc_head_dim': ('Head dimension', '每个头的维度'),
    'calc_vocab': ('Vocabulary size', '词表大小'),
    'calc_flops': ('Peak FLOP/s per chip', '每芯片峰值算力（FLOP/s）'),
    'calc_bandwidth': ('HBM bandwidth per chip (bytes/s)', '每芯片HBM带宽（字节/秒）'),
    'calc_capacity': ('HBM capacity per chip (bytes)', '每芯片HBM容量（字节）'),
    'calc_chips': ('Number of chips', '芯片数'),
    'calc_batch': ('Batch size', '批大小'),
    'calc_context': ('Context length (tokens)', '上下文长度（词元数）'),
    'calc_weight_dtype': ('Weight type', '权重类型'),
    'calc_kv_dtype': ('KV cache type', 'KV缓存类型'),
    'calc_value_dtype': ('Bytes per element', '每个元素的字节数'),
    'calc_dtype_option': ('{dtype}: {bytes}-byte values', '{dtype}：每个值{bytes}字节'),
    'calc_rows_m': ('Rows of X', 'X的行数'),
    'calc_inner': ('Columns of X, rows of W', 'X的列数（W的行数）'),
    'calc_cols': ('Columns of W', 'W的列数'),
    'calc_quantity': ('Quantity', '项目'),
    'calc_formula': ('Formula', '公式'),
    'calc_value': ('Value', '数值'),
    'calc_params': ('Parameters', '参数量'),
    'calc_param_bytes': ('Weights', '权重'),
    'calc_kv_per_seq': ('KV cache per sequence', '每条序列的KV缓存'),
    'calc_kv_batch': ('KV cache, whole batch', '整批的KV缓存'),
    'calc_memory': ('Memory per step', '每步读取的数据量'),
    'calc_capacity_total': ('HBM capacity, all chips', '全部芯片的HBM容量'),
    'calc_fits': ('Fits in HBM', '能否放入HBM'),
    'calc_latency': ('Memory time per step (the lecture\'s latency)', '每步内存时间（课上的时延）'),
    'calc_throughput': ('Throughput, memory only (as lectured)', '吞吐量（只算内存，课上模型）'),
    'calc_compute_time': ('Compute time per step', '每步计算时间'),
    'calc_step_time': ('Step time, both roofs', '每步时间（双屋顶）'),
    'calc_step_throughput': ('Throughput, both roofs', '吞吐量（双屋顶）'),
    'calc_step': ('Decoding step', '解码一步'),
    'calc_ridge': ('Ridge point', '屋脊点'),
    'calc_mlp_intensity': ('MLP intensity, generation', 'MLP算术强度（生成）'),
    'calc_mlp_regime': ('MLP', 'MLP'),
    'calc_attention_intensity': ('Attention intensity, generation', '注意力算术强度（生成）'),
    'calc_attention_regime': ('Attention', '注意力'),
    'calc_matmul_flops': ('FLOPs', '浮点运算次数'),
    'calc_matmul_bytes': ('Bytes read and written', '读写字节数'),
    'calc_matmul_intensity': ('Arithmetic intensity', '算术强度'),
    'calc_matmul_regime': ('This matmul', '该矩阵乘法'),
    'calc_regime_of': ('{what}: regime', '{what}：受限类型'),
    'calc_unit_bytes': ('{} {unit}', '{} {unit}'),
    'calc_unit_s': ('{} s', '{}秒'),
    'calc_unit_ms': ('{} ms', '{}毫秒'),
    'calc_unit_us': ('{} µs', '{}微秒'),
    'calc_unit_ns': ('{} ns', '{}纳秒'),
    'calc_unit_tokens_per_s': ('{} tokens/s', '{}词元/秒'),
    'calc_unit_intensity': ('{} FLOP/byte', '{} FLOP/字节'),
    'calc_unit_flop_total': ('{} FLOPs', '{} FLOPs'),
    'calc_unit_loss': ('{} nats/token', '{}奈特/词元'),
    'calc_unit_params': ('{} parameters', '{}个参数'),
    'calc_unit_tokens': ('{} tokens', '{}个词元'),
    'calc_required': ('Enter a value.', '请输入数值。'),
    'calc_not_number': ('Enter a number, e.g. 4096 or 3.35e12.', '请输入数字，例如4096或3.35e12。'),
    'calc_positive': ('Must be greater than zero.', '必须大于零。'),
    'calc_whole': ('Must be a whole number.', '必须是整数。'),
    'calc_too_small': ('Must be at least {min}.', '不能小于{min}。'),
    'calc_too_large': ('Must be at most {max}.', '不能大于{max}。'),
    'calc_divides': ('Must divide the query heads ({other}): each KV head serves the same number of query heads.',
                     '必须能整除查询头数（{other}）：每个KV头对应的查询头数相同。'),
    'calc_fix_fields': ('Fix the marked fields to see results.', '请先修正标出的输入项，再查看结果。'),
    'calc_no_result': ('—', '—'),
    'calc_noscript': ('This calculator needs JavaScript; without it, the table above still shows its formulas.',
                      '计算器需要JavaScript才能运行；即使没有JavaScript，上表也列出了它所用的公式。'),
})

RUNTIME = Path(__file__).with_name("calculator.js")
MAX_SIZE = 10**15  # larger sizes are typos; below this every result stays a finite double
MAX_FLOPS = 10**18  # one exaFLOP/s per chip
LOCALES = {"en": "en", "zh": "zh-CN"}  # Intl.NumberFormat locale of each page language
DIGITS = inspect.signature(render.decimal).parameters["digits"].default  # significant digits, as on pages

# `n_chips` accelerators hold the model together: compute, bandwidth and capacity scale, the ridge does not.
MACHINE = Accelerator("n_chips accelerators", chips * peak_flops, chips * chip_bandwidth, chips * chip_capacity, "")


@dataclass(frozen=True)
class Formula:
    """One generated function: `name(args) => expr`; its value is shown as `kind`."""

    name: str
    expr: sp.Basic  # an expression, or a relation for yes/no results
    label: str  # glossary key
    kind: str  # how calculator.js formats it: count, bytes, seconds, tokens_per_s, intensity, fits, regime
    binds: sp.Symbol | None = None  # later formulas read the result as this symbol

    @property
    def args(self) -> tuple[str, ...]:
        return tuple(sorted(symbol.name for symbol in self.expr.free_symbols))

    @property
    def body(self) -> str:
        code = sp.jscode(self.expr)
        return " ".join(code.split()) if "\n" in code else code  # a Piecewise prints over several lines

    def to_javascript(self) -> str:
        names = ", ".join(self.args)
        quoted = ", ".join(json.dumps(name) for name in self.args)
        return f"  {self.name}: {{args: [{quoted}],\n    f: ({names}) => {self.body}}},"


@dataclass(frozen=True)
class Field:
    """A number typed by the reader; `key` names the input, the query parameter and the symbol."""

    key: str
    label: str  # glossary key
    symbol: sp.Symbol
    default: str
    integer: bool = True
    minimum: float = 1
    maximum: int = MAX_SIZE
    divides: str | None = None  # key of a field this value must divide (K divides N)
    hint: str | None = None  # unit family for the reading shown under the input
    when: tuple[str, str] | None = None  # (choice key, option): the field is shown and read only then

    def spec(self) -> dict:
        return {"key": self.key, "symbol": self.symbol.name, "default": self.default, "integer": self.integer,
                "min": self.minimum, "max": self.maximum, "divides": self.divides, "hint": self.hint}


@dataclass(frozen=True)
class Choice:
    """A select: presets that fill `fills` fields, or dtypes that bind `symbol` to a byte count."""

    key: str
    label: str  # glossary key
    options: tuple[tuple[str, str | tuple[str, str]], ...]  # value, visible name: one for both languages,
    # an (English, Chinese) pair, or for a dtype made per language
    default: str
    presets: dict | None = None  # option -> {field key: text}
    symbol: sp.Symbol | None = None
    values: dict | None = None  # option -> number bound to symbol
    sized: bool = True  # name each option with its value in bytes (dtypes); False for a plain switch
    wide: bool | None = None  # two columns wide; by default a preset select is (long names)

    def spec(self) -> dict:
        return {"key": self.key, "default": self.default, "presets": self.presets,
                "symbol": self.symbol.name if self.symbol is not None else None, "values": self.values}


@dataclass(frozen=True)
class Group:
    """A fieldset of the form: its legend, an optional preset select, its fields and any dtype selects."""

    legend: str  # glossary key
    choice: Choice | None
    fields: tuple[Field, ...]
    choices: tuple[Choice, ...] = ()  # further selects after the fields (dtypes)
    when: tuple[str, str] | None = None  # (choice key, option): the fieldset is shown and read only then


@dataclass(frozen=True)
class Calculator(render.Published):
    """A form, its generated formulas and the plumbing that connects them."""

    id: str
    groups: tuple[Group, ...]
    formulas: tuple[Formula, ...]
    searchable: bool = True  # False: the site's search skips the form (its labels would outrank the prose pages)

    def __post_init__(self):
        known = {f.symbol.name for g in self.groups for f in g.fields}
        known |= {c.symbol.name for g in self.groups for c in (g.choice, *g.choices) if c and c.symbol is not None}
        for formula in self.formulas:  # each formula reads only inputs and earlier results
            missing = set(formula.args) - known
            if missing:
                raise ValueError(f"{self.id}.{formula.name} reads {sorted(missing)}, which nothing provides")
            if formula.binds is not None:
                known.add(formula.binds.name)

    @cached_property
    def javascript(self) -> str:
        """The generated functions, as a JavaScript object literal: two lines per formula."""
        lines = "\n".join(formula.to_javascript() for formula in self.formulas)
        return ("{\n  // generated by derivations/calculator.py with sympy.jscode: do not edit\n"
                f"{lines}\n}}")

    def javascript_listing(self) -> str:
        """The generated functions as a fenced block, for a page to show what runs."""
        return f"\n```javascript\n{self.javascript}\n```\n"

    def spec(self, lang: str) -> dict:
        """What calculator.js needs besides the formulas: inputs, checks, texts, number formats."""
        fields = [f for g in self.groups for f in g.fields]
        choices = [c for g in self.groups for c in (g.choice, *g.choices) if c is not None]
        return {
            "id": self.id,
            "locale": LOCALES[check_lang(lang)],
            "digits": DIGITS,
            "fields": [f.spec() for f in fields],
            "choices": [c.spec() for c in choices],
            "groups": [{"choice": g.choice.key, "fields": list(g.choice.presets[g.choice.default])}
                       for g in self.groups if g.choice is not None and g.choice.presets],
            "outputs": [{"name": f.name, "kind": f.kind, "binds": f.binds.name if f.binds is not None else None}
                        for f in self.formulas],
            "conditions": self.conditions(),
            "text": _texts(lang),
            "units": _units(lang),
        }

    def conditions(self) -> list[dict]:
        """Fieldsets and fields shown only for one option of a select: the element, its fields, the option."""
        out = []
        for index, group in enumerate(self.groups):
            if group.when is not None:
                keys = [f.key for f in group.fields]
                out.append({"element": _group_id(self.id, index), "choice": group.when[0], "value": group.when[1],
                            "fields": keys})
            for field in group.fields:
                if field.when is not None:
                    out.append({"element": f"{self.id}-{field.key}-field", "choice": field.when[0],
                                "value": field.when[1], "fields": [field.key]})
        return out

    def to_markdown(self, lang: str) -> str:
        """The form, the results table with each formula in LaTeX, and the script."""
        check_lang(lang)
        hidden = "" if self.searchable else ' data-search-exclude=""'
        parts = [f'<form class="calc" id="{self.id}" novalidate autocomplete="off"{hidden}>']
        parts += [_group_html(self.id, group, lang, index) for index, group in enumerate(self.groups)]
        parts.append(f'<p class="calc-status" id="{self.id}-status" role="status" aria-live="polite"></p>')
        parts.append(_results_html(self.id, self.formulas, lang))
        parts.append(f'<noscript><p class="calc-status">{_text("calc_noscript", lang)}</p></noscript>')
        parts.append("</form>")
        parts.append(_script(self, lang))
        return "\n".join(parts)


# ---- fieldsets the calculators share ----------------------------------------------------------

def engineering(value: int) -> str:
    """An exact constant as short e-notation with an exponent divisible by 3: 3350000000000 -> '3.35e12'.

    Examples:
        >>> engineering(989 * 10**12), engineering(3_350 * 10**9), engineering(80 * 10**9), engineering(64)
        ('989e12', '3.35e12', '80e9', '64')
    """
    exponent = 0
    while value >= 10 ** (exponent + 3):
        exponent += 3
    if exponent == 0:
        return str(value)
    mantissa = sp.Rational(value, 10**exponent)
    text = str(mantissa) if mantissa.is_integer else format(float(mantissa), ".15g")
    assert sp.Rational(text) == mantissa, (value, text)  # the text reads back exactly
    return f"{text}e{exponent}"


def model_group(prefix: str = "") -> Group:
    """The model-shape fieldset: a preset per catalog model, Llama 2 13B's shape by default."""
    labels = {"L": "calc_layers", "D": "calc_model_dim", "F": "calc_mlp_dim", "N": "calc_query_heads",
              "K": "calc_kv_heads", "H": "calc_head_dim", "V": "calc_vocab"}
    symbols = {"L": L, "D": D, "F": F, "N": N, "K": K, "H": H, "V": V}
    presets = {_key(m): {f"{prefix}{name}": str(getattr(m, name)) for name in labels} for m in MODELS}
    choice = Choice(f"{prefix}model", "calc_preset", tuple((_key(m), m.name) for m in MODELS),
                    _key(LLAMA2_13B), presets=presets)
    fields = tuple(Field(f"{prefix}{name}", label, symbols[name], str(getattr(LLAMA2_13B, name)),
                         divides=f"{prefix}N" if name == "K" else None) for name, label in labels.items())
    return Group("calc_model", choice, fields)


def accelerator_group(prefix: str = "", with_capacity: bool = True, *, with_bandwidth: bool = True,
                      with_chips: bool | None = None) -> Group:
    """The accelerator fieldset: FLOP/s, HBM bandwidth, optionally capacity and chips; H100 SXM by default.

    Chips come with the capacity unless `with_chips` says otherwise; a budget needs only FLOP/s and chips.
    """
    with_chips = with_capacity if with_chips is None else with_chips
    columns = [("flops", "calc_flops", peak_flops, "flops_per_s", MAX_FLOPS, "flops")]
    if with_bandwidth:
        columns.append(("bw", "calc_bandwidth", chip_bandwidth, "hbm_bytes_per_s", MAX_SIZE, "bytes_per_s"))
    if with_capacity:
        columns.append(("hbm", "calc_capacity", chip_capacity, "hbm_bytes", MAX_SIZE, "bytes"))
    presets = {_key(a): {f"{prefix}{key}": engineering(getattr(a, attribute)) for key, _, _, attribute, _, _ in columns}
               for a in ACCELERATORS}
    choice = Choice(f"{prefix}acc", "calc_preset", tuple((_key(a), a.name) for a in ACCELERATORS),
                    _key(H100_SXM), presets=presets)
    fields = tuple(Field(f"{prefix}{key}", label, symbol, engineering(getattr(H100_SXM, attribute)),
                         integer=False, maximum=maximum, hint=hint)
                   for key, label, symbol, attribute, maximum, hint in columns)
    if with_chips:
        fields += (Field(f"{prefix}chips", "calc_chips", chips, "1", maximum=10**6),)
    return Group("calc_accelerator", choice, fields)


def dtype_choice(key: str, label: str, symbol: sp.Symbol) -> Choice:
    """A select of the number formats, giving `symbol` the bytes per value of the one chosen."""
    return Choice(key, label, tuple((name, name) for name in DTYPE_BYTES), "bf16", symbol=symbol,
                  values={name: float(size) for name, size in DTYPE_BYTES.items()})


def _key(constant) -> str:
    """The Python name of a model or accelerator constant: LLAMA2_13B, H100_SXM."""
    from .catalog import hardware, models

    for module in (models, hardware):
        for name, value in vars(module).items():
            if value is constant and name.isupper():
                return name
    raise ValueError(f"{constant!r} is not a named constant")


def pair_of(key: str) -> tuple[str, str]:
    """A message in both languages, for a select's option."""
    return text(key, "en"), text(key, "zh")


# ---- HTML ---------------------------------------------------------------------------------------

def _text(key: str, lang: str) -> str:
    return html.escape(text(key, lang))


def _texts(lang: str) -> dict[str, str]:
    keys = ["calc_required", "calc_not_number", "calc_positive", "calc_whole", "calc_too_small", "calc_too_large",
            "calc_divides", "calc_fix_fields", "calc_no_result", "calc_custom", "yes", "no",
            "compute_limited", "memory_limited"]
    return {key: text(key, lang) for key in keys}


def _units(lang: str) -> dict[str, list]:
    """Unit ladders for calculator.js: [scale, template], template's {} is the number."""
    def latin(*pairs):
        return [[scale, message("calc_unit_bytes", lang).replace("{unit}", unit)] for scale, unit in pairs]

    return {
        "bytes": latin((1, "B"), (10**3, "kB"), (10**6, "MB"), (10**9, "GB"), (10**12, "TB"), (10**15, "PB")),
        "bytes_per_s": latin((1, "B/s"), (10**3, "kB/s"), (10**6, "MB/s"), (10**9, "GB/s"), (10**12, "TB/s"),
                             (10**15, "PB/s")),
        "flops": latin((1, "FLOP/s"), (10**3, "kFLOP/s"), (10**6, "MFLOP/s"), (10**9, "GFLOP/s"),
                       (10**12, "TFLOP/s"), (10**15, "PFLOP/s"), (10**18, "EFLOP/s")),
        "seconds": [[1e-9, message("calc_unit_ns", lang)], [1e-6, message("calc_unit_us", lang)],
                    [1e-3, message("calc_unit_ms", lang)], [1, message("calc_unit_s", lang)]],
        "tokens_per_s": [[1, message("calc_unit_tokens_per_s", lang)]],
        "intensity": [[1, message("calc_unit_intensity", lang)]],
        "flop_total": [[1, message("calc_unit_flop_total", lang)]],
        "loss": [[1, message("calc_unit_loss", lang)]],
        "params": _counted(message("calc_unit_params", lang), lang),
        "tokens": _counted(message("calc_unit_tokens", lang), lang),
    }


def _counted(template: str, lang: str) -> list:
    """A count's ladder as each language names large numbers: 70B, 1.4T; 700亿, 1.4万亿.

    Examples:
        >>> [row[1] for row in _counted("{} tokens", "en")]
        ['{} tokens', '{}k tokens', '{}M tokens', '{}B tokens', '{}T tokens']
        >>> [row[1] for row in _counted("{}个词元", "zh")]
        ['{}个词元', '{}万个词元', '{}亿个词元', '{}万亿个词元']
    """
    steps = {"en": ((1, ""), (10**3, "k"), (10**6, "M"), (10**9, "B"), (10**12, "T")),
             "zh": ((1, ""), (10**4, "万"), (10**8, "亿"), (10**12, "万亿"))}[check_lang(lang)]
    return [[scale, template.replace("{}", "{}" + name)] for scale, name in steps]


def _label(text_key: str, symbol: sp.Symbol | None, lang: str) -> str:
    var = f'<var class="calc-sym">{_symbol_html(symbol)}</var>' if symbol is not None else ""
    return f"{_text(text_key, lang)}{var}"


GREEK = {"alpha": "α", "beta": "β", "eta": "η", "lambda": "λ", "pi": "π"}
SIMPLE_LATEX = re.compile(r"\\?(?:mathrm\{)?([A-Za-z]+)\}?(?:_\{?(?:\\mathrm\{)?([A-Za-z0-9]+)\}?\}?)?")


def _symbol_html(symbol: sp.Symbol) -> str:
    r"""A symbol in HTML, as its registered LaTeX reads: b_kv -> b<sub>kv</sub>, beta_chip -> β<sub>chip</sub>,
    N_opt (LaTeX `N_{\mathrm{opt}}`) -> N<sub>opt</sub>, N_params (LaTeX `N`) -> N.

    Examples:
        >>> _symbol_html(chip_bandwidth), _symbol_html(peak_flops), _symbol_html(L)
        ('β<sub>chip</sub>', 'π', 'L')
        >>> from derivations.scaling_laws import N_opt, alpha_sl
        >>> from derivations.symbols import params
        >>> _symbol_html(N_opt), _symbol_html(alpha_sl), _symbol_html(params)
        ('N<sub>opt</sub>', 'α', 'P')
    """
    notation = REGISTRY.get(symbol)
    match = SIMPLE_LATEX.fullmatch(notation.latex) if notation is not None else None
    if match is not None:
        head, tail = match[1], match[2]
    else:  # unregistered, or LaTeX beyond a letter and a subscript: read the name
        head, _, tail = symbol.name.partition("_")
    return html.escape(GREEK.get(head, head)) + (f"<sub>{html.escape(tail)}</sub>" if tail else "")


def _select_html(calc_id: str, choice: Choice, lang: str) -> str:
    ident = f"{calc_id}-{choice.key}"
    options = []
    for value, name in choice.options:
        if isinstance(name, tuple):  # (English, Chinese)
            name = pair(*name, lang)
        elif choice.values is not None and choice.sized:  # a dtype: say how many bytes
            size = render.decimal(choice.values[value], DIGITS)
            name = message("calc_dtype_option", lang).format(dtype=name, bytes=size)
        selected = " selected" if value == choice.default else ""
        options.append(f'<option value="{html.escape(value)}"{selected}>{html.escape(name)}</option>')
    if choice.presets is not None:
        options.append(f'<option value="custom">{_text("calc_custom", lang)}</option>')
    label = _label(choice.label, choice.symbol, lang)
    wide = choice.presets is not None if choice.wide is None else choice.wide
    wide = " calc-field--wide" if wide else ""  # long names: two columns
    return (f'<div class="calc-field calc-field--select{wide}"><label for="{ident}">{label}</label>'
            f'<select id="{ident}" name="{choice.key}">{"".join(options)}</select><span class="calc-msg"></span></div>')


def _input_html(calc_id: str, field: Field, lang: str) -> str:
    ident = f"{calc_id}-{field.key}"
    mode = "numeric" if field.integer else "decimal"
    shown = f' id="{ident}-field"' if field.when is not None else ""  # calculator.js hides it for other options
    return (f'<div class="calc-field"{shown}><label for="{ident}">{_label(field.label, field.symbol, lang)}</label>'
            f'<input id="{ident}" name="{field.key}" type="text" inputmode="{mode}" spellcheck="false" '
            f'autocomplete="off" value="{html.escape(field.default)}" aria-describedby="{ident}-msg">'
            f'<span class="calc-msg" id="{ident}-msg"></span></div>')


def _group_id(calc_id: str, index: int) -> str:
    return f"{calc_id}-group-{index}"


def _group_html(calc_id: str, group: Group, lang: str, index: int = 0) -> str:
    items = [_select_html(calc_id, group.choice, lang)] if group.choice is not None else []
    items += [_input_html(calc_id, field, lang) for field in group.fields]
    items += [_select_html(calc_id, choice, lang) for choice in group.choices]
    shown = f' id="{_group_id(calc_id, index)}"' if group.when is not None else ""
    return (f'<fieldset class="calc-group"{shown}><legend>{_text(group.legend, lang)}</legend>'
            f'<div class="calc-grid">{"".join(items)}</div></fieldset>')


def _results_html(calc_id: str, formulas: tuple[Formula, ...], lang: str) -> str:
    rows = []
    for formula in formulas:
        label = _label(formula.label, formula.binds, lang)
        if formula.kind == "regime":
            label = _text("calc_regime_of", lang).format(what=_text(formula.label, lang))
        math = html.escape(r"\displaystyle " + _formula_latex(formula.expr), quote=False)
        rows.append(  # the value before the formula: on a phone the formula is what scrolls away
            f'<tr data-kind="{formula.kind}"><th scope="row">{label}</th>'
            f'<td class="calc-value"><output id="{calc_id}-out-{formula.name}">'
            f'{_text("calc_no_result", lang)}</output></td>'
            f'<td class="calc-formula"><span class="arithmatex">\\({math}\\)</span></td></tr>')
    head = "".join(f'<th scope="col">{_text(key, lang)}</th>'
                   for key in ("calc_quantity", "calc_value", "calc_formula"))
    return (f'<div class="calc-results" id="{calc_id}-results"><table><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></div>')


def _formula_latex(expr: sp.Basic) -> str:
    r"""An expression's LaTeX with no words in it: a Piecewise's conditions written as relations.

    SymPy writes "for" before each condition and "otherwise" for the last; a Chinese page would
    show English. Here the last branch gets the negation of the others.

    Examples:
        >>> s, x = sp.Symbol("s", integer=True, nonnegative=True), sp.Symbol("x")
        >>> _formula_latex(sp.Piecewise((x, sp.Eq(s, 0)), (2 * x, True)))
        '\\begin{cases} x & s = 0 \\\\ 2 x & s \\neq 0 \\end{cases}'
    """
    if not isinstance(expr, sp.Piecewise):
        return render.latex(expr)
    rows, previous = [], []
    for value, condition in expr.args:
        shown = sp.And(*(sp.Not(c) for c in previous)) if condition is sp.true else condition
        rows.append(f"{render.latex(value)} & {render.latex(shown)}")
        previous.append(condition)
    return r"\begin{cases} " + r" \\ ".join(rows) + r" \end{cases}"


def _json(value) -> str:
    """JSON safe inside a <script> element."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")


def _script(calculator: Calculator, lang: str) -> str:
    code = (f"{RUNTIME.read_text('utf-8')}\n"
            f"LLMCalculators.mount({_json(calculator.spec(lang))},\n{calculator.javascript});\n")
    if "</" in code or "<!--" in code:
        raise ValueError("the calculator script would end its <script> element early")
    return f"<script>\n{code}</script>"
