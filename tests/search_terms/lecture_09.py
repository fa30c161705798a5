"""Lectures 9 and 11 (scaling laws)."""

TERMS = [
    ("en", "compute-optimal frontier", "lecture-09/theory-compute-optimal"),
    ("en", "Lagrange multiplier", "lecture-09/theory-compute-optimal"),
    ("en", "IsoFLOP curves", "lecture-09/theory-fitting"),
    ("en", "tokens per parameter", "lecture-09/code-case-studies"),
    ("en", "MiniCPM", "lecture-09/code-case-studies"),
    ("en", "parabola vertex", "lecture-09/theory-fitting"),
    ("en", "Besiroglu", "lecture-09/theory-fitting"),
    ("en", "irreducible loss", "lecture-09/theory-power-laws"),
    ("en", "critical batch size", "lecture-09/theory-hyperparameters"),
    ("en", "WSD schedule", "lecture-09/theory-hyperparameters"),
    ("en", "Table A3", "lecture-09/code-chinchilla"),
    ("zh", "计算最优前沿", "lecture-09/theory-compute-optimal"),
    ("zh", "拉格朗日乘数", "lecture-09/theory-compute-optimal"),
    ("zh", "抛物线", "lecture-09/theory-fitting"),
    ("zh", "幂律", "lecture-09/theory-power-laws"),
    ("zh", "不可约损失", "lecture-09/theory-power-laws"),
    ("zh", "每参数词元数", "lecture-09/code-case-studies"),
    ("zh", "临界批大小", "lecture-09/theory-hyperparameters"),
    ("zh", "表A3", "lecture-09/code-chinchilla"),
]
