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
