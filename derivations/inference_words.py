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
    'kv_sliding': ('sliding window', '滑动窗口'),
    'kv_full': ('full', '完整'),
    'kv_cross_layer': ('cross-layer', '跨层'),
    # the decode model's display math and tables (stats)
    'st_param_bytes': ('weight bytes', '权重字节数'),
    'st_kv_per_seq': ('KV bytes per sequence', '每条序列的KV字节数'),
    'st_memory': ('memory', '内存'),
    'st_latency': ('latency', '时延'),
    'st_throughput': ('throughput', '吞吐量'),
    'st_params': ('params', '参数量'),
    'st_flops': ('FLOPs per step', '每步浮点运算次数'),
    'st_compute': ('compute time', '计算时间'),
    'st_step': ('step time', '每步时间'),
    'st_step_throughput': ('throughput, both roofs', '双屋顶吞吐量'),
    'st_balance': ('compute time = memory time', '计算时间 = 内存时间'),
    'st_tokens_per_s_unit': ('tokens/s', '词元/秒'),
    'st_memory_ms': ('Memory time (ms)', '内存时间（毫秒）'),
    'st_compute_ms': ('Compute time (ms)', '计算时间（毫秒）'),
    'st_tokens_lectured': ('Tokens/s, as lectured', '吞吐量，课上模型（词元/秒）'),
    'st_tokens_both': ('Tokens/s, both roofs', '吞吐量，双屋顶（词元/秒）'),
    'st_bound': ('Step set by', '每步受限于'),
    'st_conditions': ('{model} on one {accelerator}, $B = {batch}$, $S = {seq_len}$.',
                      '{accelerator}单卡上的{model}，$B = {batch}$，$S = {seq_len}$。'),
    'st_compute_note': (' (compute-limited, ${ratio}\\times$)', '（计算受限，${ratio}\\times$）'),
})
