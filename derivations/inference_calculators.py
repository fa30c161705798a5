"""Lecture 10's calculators: the decode model and one matmul's intensity, on the calculator engine.

Their formulas are `stats.formulas()` and `intensity.matmul`/`mlp`/`attention`, printed to
JavaScript by `derivations.calculator`.
"""

from __future__ import annotations

import sympy as sp

from . import stats
from .calculator import MACHINE, Calculator, Field, Formula, Group, accelerator_group, dtype_choice, model_group
from .catalog.models import LLAMA2_13B
from .core.cache import derived
from .intensity import attention, matmul, mlp
from .lectures import lecture10
from .symbols import B, D, F, G, K, N, S, bandwidth, compute, kv_bytes, param_bytes, params, value_bytes


@derived
def decode_calculator() -> Calculator:
    """The lecture's decode model (`stats.formulas()`) with intensities against the ridge.

    Examples:
        >>> [f.name for f in decode_calculator().formulas][:3]
        ['num_params', 'param_bytes_total', 'kv_bytes_per_seq']
        >>> decode_calculator().formulas[0].body
        '3*D*F*L + 2*D*V + L*(2*D*H*K + 2*D*H*N)'
    """
    model = stats.formulas()
    per_chip = {bandwidth: MACHINE.hbm_bytes_per_s, compute: MACHINE.flops_per_s}
    ridge = MACHINE.ridge
    # D, F >> B at T = 1, weights of b_w bytes: 2B / b_w (the batch size in bf16)
    mlp_generate = mlp(weight_bytes=param_bytes).generate_limit
    # Q and the output in bf16, the cached K and V in b_kv bytes
    attention_generate = sp.factor(attention(group_size=G, kv_bytes=kv_bytes).generate.subs(G, N / K))
    formulas = (
        Formula("num_params", model.num_params, "calc_params", "count", binds=params),
        Formula("param_bytes_total", model.param_bytes_total, "calc_param_bytes", "bytes"),
        Formula("kv_bytes_per_seq", model.kv_bytes_per_seq, "calc_kv_per_seq", "bytes"),
        Formula("kv_bytes_batch", sp.expand(model.memory_bytes - model.param_bytes_total), "calc_kv_batch", "bytes"),
        Formula("memory_bytes", model.memory_bytes, "calc_memory", "bytes"),
        Formula("capacity_bytes", MACHINE.hbm_bytes, "calc_capacity_total", "bytes"),
        Formula("fits", sp.Le(model.memory_bytes, MACHINE.hbm_bytes), "calc_fits", "fits"),
        Formula("latency_s", model.latency_s.subs(per_chip), "calc_latency", "seconds"),
        Formula("throughput", model.throughput.subs(per_chip), "calc_throughput", "tokens_per_s"),
        Formula("compute_s", model.compute_s.subs(per_chip), "calc_compute_time", "seconds"),
        Formula("step_s", model.step_s.subs(per_chip), "calc_step_time", "seconds"),
        Formula("step_throughput", model.step_throughput.subs(per_chip), "calc_step_throughput", "tokens_per_s"),
        Formula("bound", sp.Gt(model.compute_s, model.latency_s).subs(per_chip), "calc_step", "regime"),
        Formula("ridge", ridge, "calc_ridge", "intensity"),
        Formula("mlp_intensity", mlp_generate, "calc_mlp_intensity", "intensity"),
        Formula("mlp_regime", sp.Gt(mlp_generate, ridge), "calc_mlp_regime", "regime"),
        Formula("attention_intensity", attention_generate, "calc_attention_intensity", "intensity"),
        Formula("attention_regime", sp.Gt(attention_generate, ridge), "calc_attention_regime", "regime"),
    )
    workload = Group("calc_workload", None, (
        Field("B", "calc_batch", B, str(lecture10.LECTURE_BATCHES[1])),
        Field("S", "calc_context", S, str(lecture10.LECTURE_SEQ_LEN)),
    ), choices=(dtype_choice("w", "calc_weight_dtype", param_bytes), dtype_choice("kv", "calc_kv_dtype", kv_bytes)))
    return Calculator("decode-calculator", (model_group(), accelerator_group(), workload), formulas)


@derived
def intensity_calculator() -> Calculator:
    """One matmul, X (B×D) @ W (D×F), from `intensity.matmul`, against an accelerator's ridge.

    Examples:
        >>> intensity_calculator().formulas[2].body
        '2*B*D*F/(b*(B*D + B*F + D*F))'
    """
    product = matmul(bytes_per_value=value_bytes)
    ridge = MACHINE.ridge
    formulas = (
        Formula("matmul_flops", product.flops, "calc_matmul_flops", "count"),
        Formula("matmul_bytes", product.bytes, "calc_matmul_bytes", "bytes"),
        Formula("matmul_intensity", product.intensity, "calc_matmul_intensity", "intensity"),
        Formula("ridge", ridge, "calc_ridge", "intensity"),
        Formula("matmul_regime", sp.Gt(product.intensity, ridge), "calc_matmul_regime", "regime"),
    )
    sizes = Group("calc_sizes", None, (
        Field("mB", "calc_rows_m", B, str(lecture10.LECTURE_BATCHES[1])),
        Field("mD", "calc_inner", D, str(LLAMA2_13B.D)),
        Field("mF", "calc_cols", F, str(LLAMA2_13B.F)),
    ), choices=(dtype_choice("mb", "calc_value_dtype", value_bytes),))
    return Calculator("intensity-calculator", (sizes, accelerator_group("m", with_capacity=False)), formulas)

