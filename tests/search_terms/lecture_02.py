"""Lecture 2 (resource accounting)."""

TERMS = [
    ("en", "machine epsilon", "lecture-02/theory-formats"),
    ("en", "subnormal", "lecture-02/theory-formats"),
    ("en", "E4M3", "lecture-02/theory-formats"),
    ("en", "FNUZ", "lecture-02/theory-formats"),
    ("en", "backward pass FLOPs", "lecture-02/theory-flops"),
    ("en", "HFU", "lecture-02/theory-flops"),
    ("en", "bytes per parameter", "lecture-02/theory-memory"),
    ("en", "AdaGrad", "lecture-02/code-gradients"),
    ("en", "gradient accumulation", "lecture-02/code-gradients"),
    ("en", "GPT-2 XL", "lecture-02/code-transformer-accounting"),
    ("zh", "机器精度", "lecture-02/theory-formats"),
    ("zh", "下溢", "lecture-02/theory-formats"),
    ("zh", "指数偏置", "lecture-02/theory-formats"),
    ("zh", "主权重", "lecture-02/theory-memory"),
    ("zh", "每参数字节数", "lecture-02/theory-memory"),
    ("zh", "优化器状态", "lecture-02/theory-memory"),
    ("zh", "梯度累积", "lecture-02/theory-memory"),
    ("zh", "模型算力利用率", "lecture-02/theory-flops"),
    ("zh", "反向传播", "lecture-02/theory-flops"),
    ("zh", "估算问题", "lecture-02/code-motivating-questions"),
]
