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
    "calc_dtype_option": ("{dtype}: {bytes}-byte values", "{dtype}：每个值{bytes}字节"),
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


# ---- figures (derivations/figures.py): axis labels, legends, captions and alt text -----------------
TERMS.update({
    "fig_intensity_axis": ("Arithmetic intensity (FLOP/byte)", "算术强度（FLOP/字节）"),
    "fig_attainable_axis": ("Attainable TFLOP/s", "可达算力（TFLOP/s）"),
    "fig_batch_axis": ("Batch size B", "批大小B"),
    "fig_ridge": ("ridge point I* ≈ {ridge}", "屋脊点I* ≈ {ridge}"),
    "fig_roof": ("roofline", "屋顶线"),
    "fig_mlp_generation": ("MLP, generation", "MLP，生成"),
    "fig_mlp_prefill": ("MLP, prefill, B = 1", "MLP，预填充，B = 1"),
    "fig_attention_generation": ("Attention, generation, {scheme}", "注意力，生成，{scheme}"),
    "fig_attention_prefill": ("Attention, prefill, {scheme}", "注意力，预填充，{scheme}"),
    "fig_parenthesis": (" ({})", "（{}）"),
    "fig_does_not_fit": ("does not fit in HBM", "HBM放不下"),
    "fig_max_batch": ("largest batch that fits", "能放下的最大批"),
    "fig_ceiling": ("throughput ceiling (B → ∞)", "吞吐量上限（B → ∞）"),
    "fig_capacity": ("HBM capacity, {accelerator}", "HBM容量，{accelerator}"),
    "fig_list": ("; ", "；"),
    "fig_roofline_title": ("Roofline of the {accelerator}", "{accelerator}的屋顶线模型"),
    "fig_roofline_caption": (
        "Roofline of the {accelerator}, with the operations of lecture 10 at S = {seq_len} tokens"
        " (GQA: G = {group}). Left of the ridge point an operation is memory-limited, right of it"
        " compute-limited.",
        "{accelerator}的屋顶线模型，以及第10讲中各运算在S = {seq_len}个词元时的位置（GQA取G = {group}）。"
        "屋脊点左侧的运算内存受限，右侧的运算计算受限。"),
    "fig_roofline_desc": (
        "Log–log plot of attainable TFLOP/s against arithmetic intensity in FLOP/byte. The memory roof"
        " rises in proportion to intensity up to the ridge point at {ridge} FLOP/byte; right of it the"
        " compute roof is flat at {peak} TFLOP/s. Operations: {points}.",
        "双对数坐标图，横轴为算术强度（FLOP/字节），纵轴为可达算力（TFLOP/s）。内存屋顶随算术强度成正比上升，"
        "直到屋脊点{ridge} FLOP/字节；此后算力屋顶持平于{peak} TFLOP/s。各运算的位置：{points}。"),
    "fig_roofline_point": ("{label}, {sizes}: {intensity} FLOP/byte, {regime}",
                           "{label}，{sizes}：{intensity} FLOP/字节，{regime}"),
    "fig_latency_title": ("Latency against throughput as the batch grows: {model} on the {accelerator}",
                          "批大小增大时的时延与吞吐量：{accelerator}上的{model}"),
    "fig_latency_caption": (
        "One decoding step of {model} on the {accelerator} reads the weights once and every sequence's"
        " KV cache (S = {seq_len}, bf16); the batch grows along each curve. Stars: the largest batch that"
        " fits in HBM; dashed: batches that do not fit; dotted: the throughput ceiling.",
        "{accelerator}上的{model}每解码一步，都要读一遍权重和每条序列的KV缓存（S = {seq_len}，bf16）；"
        "沿每条曲线批大小逐渐增大。星号：HBM能放下的最大批；虚线：放不下的批；点线：吞吐量上限。"),
    "fig_latency_desc": (
        "Log–log plot of latency per decoding step in milliseconds against throughput in tokens per"
        " second, one curve per number of KV heads, the batch growing from B = {first} to B = {last}."
        " {curves}",
        "双对数坐标图，横轴为吞吐量（词元/秒），纵轴为每步时延（毫秒），每种KV头数一条曲线，批大小从B = {first}"
        "增大到B = {last}。{curves}"),
    "fig_latency_curve": (
        "{label}: {latency} ms and {throughput} tokens/s at B = {first}; the largest batch that fits is"
        " B = {max_batch}, at {max_latency} ms and {max_throughput} tokens/s; the throughput approaches"
        " {ceiling} tokens/s.",
        "{label}：B = {first}时每步{latency}毫秒、{throughput}词元/秒；能放下的最大批为B = {max_batch}，"
        "此时每步{max_latency}毫秒、{max_throughput}词元/秒；吞吐量趋近{ceiling}词元/秒。"),
    "fig_memory_title": ("Memory against batch size: {model} on the {accelerator}",
                         "内存占用随批大小的变化：{accelerator}上的{model}"),
    "fig_memory_caption": (
        "Weights plus KV cache of {model} at S = {seq_len} in bf16, with {variants} KV heads, against"
        " the HBM of the {accelerator}. Markers: the largest batch that fits.",
        "{model}在S = {seq_len}、bf16下的权重加KV缓存，KV头数分别取{variants}，与{accelerator}的HBM容量对比。"
        "标记：能放下的最大批。"),
    "fig_memory_desc": (
        "Plot of memory in GB (weights plus KV cache) against the batch size on a logarithmic axis,"
        " with the HBM capacity of {capacity} GB as a horizontal line. {lines}",
        "内存占用（GB，权重加KV缓存）随批大小（对数轴）变化的图，水平线为{capacity} GB的HBM容量。{lines}"),
    "fig_memory_line": (
        "{label}: {weights} GB of weights and {kv} GB of KV cache per sequence; the largest batch that"
        " fits is B = {max_batch}.",
        "{label}：权重{weights} GB，每条序列的KV缓存{kv} GB；能放下的最大批为B = {max_batch}。"),
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
