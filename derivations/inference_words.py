"""Words of the inference topics (lecture 10: intensity, decode statistics, KV cache, speculative decoding).

Terms are the glossary the Chinese pages follow; messages are table headers and labels.
"""

from __future__ import annotations

from .core import i18n

i18n.register("inference", terms={
    'operation': ('Operation', '运算'),
    'intensity': ('Arithmetic intensity', '算术强度'),
    'regime': ('Regime', '受限类型'),
    'compute_limited': ('compute-limited', '计算受限'),
    'memory_limited': ('memory-limited', '内存受限'),
    'group_size': ('Query heads per KV head', '每个KV头对应的查询头数'),
    'kv_heads': ('KV heads', 'KV头数'),
    'cost_ratio': ('Draft/target cost ratio', '草稿模型与目标模型的单步成本比'),
    'token': ('Token', '词元'),
    'scheme': ('Scheme', '方案'),
    'weights': ('Weights', '权重'),
    'kv_cache': ('KV cache', 'KV缓存'),
    'max_batch': ('Largest batch that fits', '能放下的最大批'),
}, messages={
    'dtype': ('Type', '类型'),
    'bytes_per_value': ('Bytes per value', '每个值的字节数'),
    'sizes': ('Sizes', '规模'),
    'memory_gb': ('Memory (GB)', '内存占用（GB）'),
    'latency_ms': ('Latency per step (ms)', '每步时延（毫秒）'),
    'tokens_per_s': ('Throughput (tokens/s)', '吞吐量（词元/秒）'),
    'fits': ('Fits in HBM', '能否放入HBM'),
    'observed': ('Observed frequency', '观测频率'),
    'draws': ('Samples drawn', '采样次数'),
    'kv_per_token': ('KiB per token, {dtype}', '每词元KiB（{dtype}）'),
    'decode_attention_limit': ('Decode attention intensity, $S \\to \\infty$', '解码注意力强度的极限（$S \\to \\infty$）'),
    'values_per_token_layer': ('Values per token per layer', '每词元每层缓存的值'),
    'kib_per_token': ('KiB per token, bf16', '每词元KiB（bf16）'),
    'vs_mha': ('Relative to MHA', '相对MHA'),
    'shape_of': ('Head counts and sizes of {model}.', '头数与维度取自{model}。'),
    'param_gb': ('Weights (GB)', '权重（GB）'),
    'kv_gb': ('KV cache (GB)', 'KV缓存（GB）'),
})
