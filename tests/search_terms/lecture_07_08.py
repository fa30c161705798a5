"""Lectures 7–8 (parallelism)."""

TERMS = [
    ("en", "bus bandwidth", "lecture-07-08/theory-collectives"),
    ("en", "algorithm bandwidth", "lecture-07-08/theory-collectives"),
    ("en", "nccl-tests", "lecture-07-08/code-collectives"),
    ("en", "hierarchical all-reduce", "lecture-07-08/code-collectives"),
    ("en", "FSDP", "lecture-07-08/theory-data-parallel"),
    ("en", "selective recomputation", "lecture-07-08/theory-activations"),
    ("en", "parallel MLP", "lecture-07-08/code-parallel-mlp"),
    ("zh", "总线带宽", "lecture-07-08/theory-collectives"),
    ("zh", "算法带宽", "lecture-07-08/theory-collectives"),
    ("zh", "流水线气泡", "lecture-07-08/theory-tensor-pipeline"),
    ("zh", "交错调度", "lecture-07-08/theory-tensor-pipeline"),
    ("zh", "序列并行", "lecture-07-08/theory-tensor-pipeline"),
    ("zh", "选择性重计算", "lecture-07-08/theory-activations"),
    ("zh", "激活内存", "lecture-07-08/theory-activations"),
    ("zh", "网络屋脊点", "lecture-07-08/theory-data-parallel"),
]
