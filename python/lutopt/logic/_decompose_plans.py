"""Plans of `lutopt.logic.decompose`: the plan records (`_Plain`, `_Functional`, `_Split`,
`_Shannon`), their emission as gates (`_emit`) and description, and the planning of one
table (`_plan_outputs`: output groupings, functional decompositions, Shannon expansions,
each candidate compared by mapping it alone). See the module docstring of
`lutopt.logic.decompose`, steps 3 to 6."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from lutopt.logic._decompose_ac import ENCODINGS, _bound_set_candidates, encode_classes
from lutopt.logic._decompose_order import GateSink, build_diagram, order_proxy, search_orders, table_bits
from lutopt.logic._decompose_params import DecomposeParams

# --------------------------------------------------------------------------- plans


@dataclass
class _Plain:
    """One diagram over the table's inputs, in `order`."""

    bits: np.ndarray
    order: list[int]
    proxy: float


@dataclass
class _Functional:
    """f = F(g(x_bound), x_free): `encoder` covers the code bits g over the bound inputs,
    `rest` covers F over the free inputs (in table order) followed by the code bits (most
    significant first)."""

    bound: list[int]
    free: list[int]
    encoder: _Plan
    rest: _Plan
    proxy: float


@dataclass
class _Split:
    """The output bits in groups, each group covered by its own plan (`groups[i]` lists the
    output bits of `plans[i]`)."""

    groups: list[list[int]]
    plans: list[_Plan]
    proxy: float


@dataclass
class _Shannon:
    """f = var ? f1 : f0 (Shannon expansion on table input `var`): `plans[c]` covers the
    cofactor var = c, a table over the other inputs in order."""

    var: int
    plans: list[_Plan]
    proxy: float


_Plan = _Plain | _Functional | _Split | _Shannon


def output_partitions(m: int, limit: int) -> list[list[list[int]]]:
    """Ways to group m output bits: all set partitions when there are at most `limit` of
    them, else all bits together and every bit alone."""
    together = [list(range(m))]
    alone = [[o] for o in range(m)]
    if m <= 1:
        return [together]

    def partitions(items: list[int]):
        if not items:
            yield []
            return
        first, rest = items[0], items[1:]
        for p in partitions(rest):
            yield [[first]] + p
            for i in range(len(p)):
                yield p[:i] + [[first] + p[i]] + p[i + 1 :]

    bell = [1, 1, 2, 5, 15, 52, 203, 877, 4140]
    if m < len(bell) and bell[m] <= limit:
        return [sorted(sorted(g) for g in p) for p in partitions(list(range(m)))]
    return [together, alone]


def _emit(plan: _Plan, var_lits: Sequence[int], sink: GateSink) -> list[int]:
    if isinstance(plan, _Split):
        outs = [0] * sum(len(g) for g in plan.groups)
        for group, sub in zip(plan.groups, plan.plans):
            for o, lit in zip(group, _emit(sub, var_lits, sink)):
                outs[o] = lit
        return outs
    if isinstance(plan, _Shannon):
        rest = [lit for j, lit in enumerate(var_lits) if j != plan.var]
        lo = _emit(plan.plans[0], rest, sink)
        hi = _emit(plan.plans[1], rest, sink)
        return [int(x) for x in sink.add_muxes(var_lits[plan.var], hi, lo)]
    if isinstance(plan, _Plain):
        d = build_diagram(plan.bits, plan.order)
        return [int(x) for x in sink.add_diagram(d, var_lits)]
    codes = _emit(plan.encoder, [var_lits[j] for j in plan.bound], sink)
    width = len(codes)
    return _emit(plan.rest, [var_lits[j] for j in plan.free] + [codes[width - 1 - i] for i in range(width)], sink)


def _describe(plan: _Plan) -> str:
    if isinstance(plan, _Split):
        return "; ".join(f"bits {g}: {_describe(p)}" for g, p in zip(plan.groups, plan.plans))
    if isinstance(plan, _Shannon):
        return f"x{plan.var} ? ({_describe(plan.plans[1])}) : ({_describe(plan.plans[0])})"
    if isinstance(plan, _Plain):
        return f"diagram{plan.order}"
    return f"F(g({plan.bound}), {plan.free}) with {_describe(plan.rest)}"


def _map_params(params: DecomposeParams, light: bool):
    """Mapper settings: the final mapping uses lut_map's defaults with our K and cut limit;
    the comparisons of candidate plans a cheaper schedule (one start, two delay rounds, one
    exact round: the same choices on the neuron tables, 15% faster)."""
    from dataclasses import fields

    from lutopt.logic.mapping import MapParams

    known = {f.name for f in fields(MapParams)}
    kw: dict = {"lut_size": params.lut_size, "cut_limit": params.cut_limit}
    if light:
        kw["cut_limit"] = min(params.cut_limit, 8)
        for name, value in (("starts", ("abc",)), ("exact_rounds", 1), ("delay_rounds_max", 2)):
            if name in known:
                kw[name] = value
    return MapParams(**kw)


def _map_alone(plan: _Plan, n: int, params: DecomposeParams) -> tuple[int, int]:
    from lutopt.logic.mapping import lut_map

    sink = GateSink(n)
    outs = _emit(plan, [2 * (1 + j) for j in range(n)], sink)
    _, st = lut_map(sink.netlist(outs), _map_params(params, light=True))
    return st.luts, st.depth


def _search(bits: np.ndarray, n: int, params: DecomposeParams, counters: dict, budget: int | None = None):
    """`search_orders`, remembered per table and budget for the duration of one call."""
    cache = counters.setdefault("search_cache", {})
    key = (bits.shape, bits.tobytes(), budget)
    hit = cache.get(key)
    if hit is None:
        orders, proxies, evals = search_orders(bits, n, params, budget=budget)
        counters["evaluations"] = counters.get("evaluations", 0) + evals
        hit = cache[key] = (orders, proxies)
    return hit


def _bound_sets(bits: np.ndarray, n: int, orders: list[list[int]], params: DecomposeParams, counters: dict, limit: int):
    """`_bound_set_candidates`, remembered per table for the duration of one call."""
    cache = counters.setdefault("bound_cache", {})
    key = (bits.shape, bits.tobytes(), tuple(tuple(o) for o in orders), limit)
    hit = cache.get(key)
    if hit is None:
        hit = cache[key] = _bound_set_candidates(bits, n, params.lut_size, orders, params, limit)
    return hit


def _choose(plans: list[_Plan], n: int, params: DecomposeParams, counters: dict, budget: int | None) -> _Plan:
    """The plan with the fewest LUTs (then least depth) when mapped alone, among those within
    the depth budget; the shallowest one when none is."""
    if len(plans) > 1:
        # Candidates whose proxy is far above the best one's rarely win; the first (the best
        # plain diagram) is always kept as the depth fallback.
        floor = min(p.proxy for p in plans) * params.compare_margin
        plans = [p for i, p in enumerate(plans) if i == 0 or p.proxy <= floor]
    if len(plans) == 1:
        return plans[0]
    scored = []
    for plan in plans:
        luts, depth = _map_alone(plan, n, params)
        counters["mapped"] = counters.get("mapped", 0) + 1
        scored.append((budget is not None and depth > budget, depth if budget is not None and depth > budget else 0,
                       luts, depth, len(scored)))
    return plans[min(scored)[-1]]


def _plan_outputs(bits: np.ndarray, n: int, params: DecomposeParams, counters: dict) -> _Plan:
    """The best grouping of the output bits (each group planned by `_plan_table`), by the
    mapped LUT count of the groups' plans together, within the depth budget: `max_depth`,
    or else `depth_slack` levels more than the plain diagram of all bits needs."""
    m = bits.shape[0]
    budget = params.max_depth
    if n > params.lut_size and (params.ac_levels or params.split_outputs) and budget is None:
        orders, proxies = _search(bits, n, params, counters)
        _, depth = _map_alone(_Plain(bits, orders[0], proxies[0]), n, params)
        budget = depth + params.depth_slack
    parts = output_partitions(m, params.output_partitions) if params.split_outputs and n > params.lut_size else [[list(range(m))]]
    memo: dict[tuple[int, ...], _Plan] = {}
    plans = []
    for part in parts:
        subs = []
        for group in part:
            key = tuple(group)
            if key not in memo:
                memo[key] = _plan_table(bits[list(group)], n, params, 0, counters, budget)
            subs.append(memo[key])
        plans.append(subs[0] if len(part) == 1 else _Split(part, subs, sum(p.proxy for p in subs)))
    return _choose(plans, n, params, counters, budget)


def _plan_table(
    bits: np.ndarray, n: int, params: DecomposeParams, level: int, counters: dict, budget: int | None
) -> _Plan:
    """The plan for one table: the plain diagram in the best order found, or a functional
    decomposition, whichever maps to fewer LUTs (then less depth) within the budget."""
    return _choose(_candidates(bits, n, params, level, counters, budget), n, params, counters, budget)


def _candidates(
    bits: np.ndarray, n: int, params: DecomposeParams, level: int, counters: dict, budget: int | None,
    late: Sequence[int] = (), shannon: int = 0,
) -> list[_Plan]:
    """Candidate plans for a table: plain diagrams in the best orders found (and, when some
    inputs arrive `late` -- the code bits of an enclosing decomposition -- the best order
    with those inputs split first, nearest the output), and the best functional
    decomposition, whose F is chosen by mapping it together with its encoder."""
    k = params.lut_size
    orders, proxies = _search(bits, n, params, counters)
    plans: list[_Plan] = [_Plain(bits, o, c) for o, c in zip(orders, proxies)]
    if late and n > k:
        first = [v for v in orders[0] if v in late] + [v for v in orders[0] if v not in late]
        if first not in orders:
            plans.append(_Plain(bits, first, order_proxy(bits, first, k)[0]))
    if n > k and level < params.ac_levels:
        best_ac = None
        for saved, mu, bound in _bound_sets(bits, n, orders, params, counters, params.ac_candidates):
            for enc in ENCODINGS:
                fbits, codes, width = encode_classes(bits, bound, enc)
                nf = n - len(bound) + width
                _, fprox = _search(fbits, nf, params, counters, params.ac_search_evaluations)
                total = width + fprox[0]
                if best_ac is None or total < best_ac[0]:
                    best_ac = (total, bound, enc)
        if best_ac is not None and best_ac[0] < proxies[0] * params.ac_margin:
            _, bound, enc = best_ac
            fbits, codes, width = encode_classes(bits, bound, enc)
            nf = n - len(bound) + width
            enc_bits = table_bits(codes.astype(np.uint64), len(bound), width)
            enc_plan = _plan_table(enc_bits, len(bound), params, params.ac_levels, counters, None)
            free = [j for j in range(n) if j not in bound]
            rests = _candidates(fbits, nf, params, level + 1, counters, None if budget is None else budget - 1,
                                late=list(range(nf - width, nf)), shannon=params.shannon_levels)
            options: list[_Plan] = [_Functional(list(bound), free, enc_plan, r, width + r.proxy) for r in rests]
            plans.append(_choose(options, n, params, counters, budget))
    if n > k + 1 and shannon < params.shannon_levels:
        plans += _shannon_candidates(bits, n, params, level, counters, budget, shannon)
    return plans


def _quick_estimate(bits: np.ndarray, n: int, params: DecomposeParams, counters: dict, with_ac: bool) -> float:
    """A cheap proxy of a table's cost: the least of a short order search and (with_ac) the
    best functional decomposition among the two most promising bound sets."""
    k = params.lut_size
    _, proxies = _search(bits, n, params, counters, params.shannon_search_evaluations)
    best = proxies[0]
    if with_ac and n > k and params.ac_levels:
        for _, _, bound in _bound_sets(bits, n, [], params, counters, 2):
            fbits, _, width = encode_classes(bits, bound, "weight")
            nf = n - len(bound) + width
            _, fprox = _search(fbits, nf, params, counters, params.shannon_search_evaluations)
            best = min(best, width + fprox[0])
    return best


def _shannon_candidates(
    bits: np.ndarray, n: int, params: DecomposeParams, level: int, counters: dict, budget: int | None, shannon: int
) -> list[_Plan]:
    """Shannon expansions on the inputs whose two cofactors look cheapest together (each
    cofactor planned on its own: its functional decompositions may not exist for f)."""
    m = bits.shape[0]
    shaped = bits.reshape((m,) + (2,) * n)
    scored = []
    for var in range(n):
        cof = [np.ascontiguousarray(np.take(shaped, c, axis=1 + var)).reshape(m, -1) for c in (0, 1)]
        est = sum(_quick_estimate(c, n - 1, params, counters, False) for c in cof)
        scored.append((est, var, cof))
    scored.sort(key=lambda t: (t[0], t[1]))
    if params.ac_levels:
        # Screened by plain diagrams; the best few re-estimated with functional decompositions.
        scored = scored[: params.shannon_screen or n]
        scored = [(sum(_quick_estimate(c, n - 1, params, counters, True) for c in cof), var, cof)
                  for _, var, cof in scored]
        scored.sort(key=lambda t: (t[0], t[1]))
    plans: list[_Plan] = []
    sub_budget = None if budget is None else budget - 1
    for est, var, cof in scored[: params.shannon_candidates]:
        subs = [
            _choose(_candidates(c, n - 1, params, level, counters, sub_budget, shannon=shannon + 1), n - 1, params,
                    counters, sub_budget)
            for c in cof
        ]
        plans.append(_Shannon(var, subs, est + 1))
    return plans
