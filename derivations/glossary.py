"""Words that derived output cannot avoid (table headers, labels), in both languages.

The Chinese column is the site's glossary: pages use the same terms in prose.
"""

from __future__ import annotations

LANGS = ("en", "zh")

TERMS: dict[str, tuple[str, str]] = {
    "symbol": ("Symbol", "符号"),
    "meaning": ("Meaning", "含义"),
    "dtype": ("Type", "类型"),
    "bytes_per_value": ("Bytes per value", "每个值的字节数"),
    "claim": ("Claim", "论断"),
    "derived": ("Derived at build time", "构建时推导结果"),
    "claimed": ("Claimed", "应满足"),
    "checked": ("Checked", "已验证"),
    "accelerator": ("Accelerator", "加速器"),
    "flops_per_s": ("bf16 dense FLOP/s", "bf16稠密算力（FLOP/s）"),
    "hbm_bytes_per_s": ("HBM bandwidth (bytes/s)", "HBM带宽（字节/秒）"),
    "hbm_bytes": ("HBM capacity (bytes)", "HBM容量（字节）"),
    "ridge": ("Ridge point (FLOP/byte)", "屋脊点（FLOP/字节）"),
    "source": ("Source", "来源"),
    "datasheet": ("datasheet", "数据手册"),
    "operation": ("Operation", "运算"),
    "sizes": ("Sizes", "规模"),
    "intensity": ("Arithmetic intensity", "算术强度"),
    "regime": ("Regime", "受限类型"),
    "compute_limited": ("compute-limited", "计算受限"),
    "memory_limited": ("memory-limited", "内存受限"),
    "group_size": ("Query heads per KV head", "每个KV头对应的查询头数"),
    "model": ("Model", "模型"),
    "kv_heads": ("KV heads", "KV头数"),
    "memory_gb": ("Memory (GB)", "内存占用（GB）"),
    "latency_ms": ("Latency per step (ms)", "每步时延（毫秒）"),
    "tokens_per_s": ("Throughput (tokens/s)", "吞吐量（词元/秒）"),
    "fits": ("Fits in HBM", "能否放入HBM"),
    "yes": ("yes", "能"),
    "no": ("no", "不能"),
    "formula_params": ("Lecture's formula", "课上公式"),
    "norm_params": ("Formula + norm weights", "公式加归一化权重"),
    "published_params": ("Published count", "公开参数量"),
    "cost_ratio": ("Draft/target cost ratio", "草稿模型与目标模型的单步成本比"),
    "token": ("Token", "词元"),
    "observed": ("Observed frequency", "观测频率"),
    "draws": ("Samples drawn", "采样次数"),
    "kv_per_token": ("KiB per token, {dtype}", "每词元KiB（{dtype}）"),
    "decode_attention_limit": ("Decode attention intensity, $S \\to \\infty$", "解码注意力强度的极限（$S \\to \\infty$）"),
    "scheme": ("Scheme", "方案"),
    "values_per_token_layer": ("Values per token per layer", "每词元每层缓存的值"),
    "kib_per_token": ("KiB per token, bf16", "每词元KiB（bf16）"),
    "vs_mha": ("Relative to MHA", "相对MHA"),
    "shape_of": ("Head counts and sizes of {model}.", "头数与维度取自{model}。"),
    "weights": ("Weights", "权重"),
    "kv_cache": ("KV cache", "KV缓存"),
    "param_gb": ("Weights (GB)", "权重（GB）"),
    "kv_gb": ("KV cache (GB)", "KV缓存（GB）"),
    "max_batch": ("Largest batch that fits", "能放下的最大批"),
    "colon": (": ", "："),
}

# ---- calculators (derivations/calculator.py, docs/tools/calculators) ----------------------------
TERMS.update({
    # fieldsets and inputs
    "calc_model": ("Model", "模型"),
    "calc_accelerator": ("Accelerator", "加速器"),
    "calc_workload": ("Batch and context", "批与上下文"),
    "calc_sizes": ("Matrix sizes", "矩阵规模"),
    "calc_preset": ("Preset", "预设"),
    "calc_custom": ("Custom values", "自定义"),
    "calc_layers": ("Layers", "层数"),
    "calc_model_dim": ("Model dimension", "模型维度"),
    "calc_mlp_dim": ("MLP hidden dimension", "MLP隐藏层维度"),
    "calc_query_heads": ("Query heads", "查询头数"),
    "calc_kv_heads": ("KV heads", "KV头数"),
    "calc_head_dim": ("Head dimension", "每个头的维度"),
    "calc_vocab": ("Vocabulary size", "词表大小"),
    "calc_flops": ("Peak FLOP/s per chip", "每芯片峰值算力（FLOP/s）"),
    "calc_bandwidth": ("HBM bandwidth per chip (bytes/s)", "每芯片HBM带宽（字节/秒）"),
    "calc_capacity": ("HBM capacity per chip (bytes)", "每芯片HBM容量（字节）"),
    "calc_chips": ("Number of chips", "芯片数"),
    "calc_batch": ("Batch size", "批大小"),
    "calc_context": ("Context length (tokens)", "上下文长度（词元数）"),
    "calc_weight_dtype": ("Weight type", "权重类型"),
    "calc_kv_dtype": ("KV cache type", "KV缓存类型"),
    "calc_value_dtype": ("Bytes per element", "每个元素的字节数"),
    "calc_dtype_option": ("{dtype}: {bytes} bytes", "{dtype}：{bytes}字节"),
    "calc_rows_m": ("Rows of X", "X的行数"),
    "calc_inner": ("Columns of X, rows of W", "X的列数（W的行数）"),
    "calc_cols": ("Columns of W", "W的列数"),
    # results
    "calc_quantity": ("Quantity", "量"),
    "calc_formula": ("Formula", "公式"),
    "calc_value": ("Value", "数值"),
    "calc_params": ("Parameters", "参数量"),
    "calc_param_bytes": ("Weights", "权重"),
    "calc_kv_per_seq": ("KV cache per sequence", "每个序列的KV缓存"),
    "calc_kv_batch": ("KV cache, whole batch", "整批的KV缓存"),
    "calc_memory": ("Memory per step", "每步读取的内存"),
    "calc_capacity_total": ("HBM capacity, all chips", "全部芯片的HBM容量"),
    "calc_fits": ("Fits in HBM", "能否放入HBM"),
    "calc_latency": ("Latency per step", "每步时延"),
    "calc_throughput": ("Throughput", "吞吐量"),
    "calc_ridge": ("Ridge point", "屋脊点"),
    "calc_mlp_intensity": ("MLP intensity, generation", "MLP算术强度（生成）"),
    "calc_mlp_regime": ("MLP", "MLP"),
    "calc_attention_intensity": ("Attention intensity, generation", "注意力算术强度（生成）"),
    "calc_attention_regime": ("Attention", "注意力"),
    "calc_matmul_flops": ("FLOPs", "浮点运算次数"),
    "calc_matmul_bytes": ("Bytes read and written", "读写字节数"),
    "calc_matmul_intensity": ("Arithmetic intensity", "算术强度"),
    "calc_matmul_regime": ("This matmul", "该矩阵乘法"),
    "calc_regime_of": ("{what}: regime", "{what}：受限类型"),
    # units: {} is the number
    "calc_unit_bytes": ("{} {unit}", "{} {unit}"),
    "calc_unit_s": ("{} s", "{}秒"),
    "calc_unit_ms": ("{} ms", "{}毫秒"),
    "calc_unit_us": ("{} µs", "{}微秒"),
    "calc_unit_ns": ("{} ns", "{}纳秒"),
    "calc_unit_tokens_per_s": ("{} tokens/s", "{}词元/秒"),
    "calc_unit_intensity": ("{} FLOP/byte", "{} FLOP/字节"),
    # messages
    "calc_required": ("Enter a value.", "请输入数值。"),
    "calc_not_number": ("Enter a number, e.g. 4096 or 3.35e12.", "请输入数字，例如4096或3.35e12。"),
    "calc_positive": ("Must be greater than zero.", "必须大于零。"),
    "calc_whole": ("Must be a whole number.", "必须是整数。"),
    "calc_too_small": ("Must be at least {min}.", "不能小于{min}。"),
    "calc_too_large": ("Must be at most {max}.", "不能大于{max}。"),
    "calc_divides": ("Must divide the query heads ({other}): each KV head serves the same number of query heads.",
                     "必须能整除查询头数（{other}）：每个KV头对应的查询头数相同。"),
    "calc_fix_fields": ("Fix the marked fields to see results.", "请先修正标出的输入项，再查看结果。"),
    "calc_no_result": ("—", "—"),
    "calc_noscript": ("This calculator needs JavaScript; without it, the table above still shows its formulas.",
                      "计算器需要JavaScript；没有JavaScript时，上表仍列出它所用的公式。"),
})


def check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {', '.join(LANGS)}; got {lang!r}")
    return lang


def term(key: str, lang: str = "en") -> str:
    """A glossary term in the requested language.

    Examples:
        >>> term("intensity", "zh")
        '算术强度'
    """
    return TERMS[key][LANGS.index(check_lang(lang))]
