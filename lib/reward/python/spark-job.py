# --- the PySpark job (`sounding export spark-job --out job.py`; docs/corpus.md, "On a cluster").
#
# Appended by lib/corpus/spark-job.ts to the exported reward module above (the labeller, the
# tallies and Eq. 4 / Eq. 8 in Python, as `sounding export verl` writes them), so one file holds
# everything. It computes, on the Parquet files of a corpus (or on raw verl rollout rows labelled
# here by the Python labeller as a user-defined function):
#
#   metrics.jsonl  per-group metrics, the rows of `corpusAggregate(corpus, by)`: n, accuracy and
#                  the means of T, n_uniqS … n_redQ, ρ, breadth, depth, horizon, turns
#   sweep.jsonl    one row per reward setting, the rows of `corpusSweep` / `sweep`: means,
#                  separation, informative groups, rank changes against the first setting, groups
#                  where an incorrect rollout outscores a correct one, favoured breadth / depth /
#                  horizon, and the data warnings (incorrect-above-correct, no-effect)
#   tallies/       (raw rows only, with --write-tallies) the labelled tallies, as Parquet
#
# It uses only the part of the PySpark DataFrame API that DuckDB's PySpark-compatible API
# (`duckdb.experimental.spark`) also implements, so the same file runs on Spark and, unchanged,
# on one machine (the project's tests run it that way): no window functions (ranks are counted by
# joining each group's distinct rewards), no explode / from_json (claim checks travel as one
# string and the B_v replay is a column per budget), one path per `read.parquet` (parts are read
# one by one and unioned), Python UDFs registered with `spark.udf.register(name, f, "string")`.
#
# Sums of rewards and of ρ are taken as DECIMAL(38,18) as sounding's SQL does, so they do not depend
# on how the engine partitions the rows; the reward is the same expression, in the same order, as
# lib/corpus/reward-sql.ts (Eq. 4 / Eq. 8 of lib/reward/reward-kernel.ts).
#
#   spark-submit job.py --corpus DIR --out OUT [--by dataset] [--settings settings.json]
#   spark-submit job.py --raw rollouts.parquet [--raw more.parquet] --out OUT …

import argparse
import sys
import math
import os

SPARK_JOB_VERSION = "__SPARK_JOB_VERSION__"
# the metric tables' ρ (lib/metrics/rho-delta.ts EQ7_DEFAULTS), not the reward setting's
EQ7 = json.loads(__EQ7_DEFAULTS__)
# `score >= this` is a correct verdict when a raw row has no acc / correct column (DEFAULT_VERDICT_THRESHOLD)
VERDICT_THRESHOLD = __VERDICT_THRESHOLD__
# the grouping keys of corpusAggregate (CORPUS_GROUP_KEYS): output name -> column of the tallies
GROUP_KEYS = json.loads(__GROUP_KEYS__)
# the per-rollout tally columns, in the order the labelling UDF writes them
TALLY_FIELDS = (
    "T", "labelled", "n_uniq_s", "n_red_s", "n_explore", "n_verify", "n_red_q", "n_red_q_fixed",
    "has_claims", "fmt", "turns",
)
EPS = "1e-12"


def spark_api(engine="auto"):
    """(SparkSession, functions) of PySpark, or of DuckDB's PySpark API (engine "duckdb", or "auto" without pyspark)."""
    if engine in ("auto", "spark"):
        try:
            from pyspark.sql import SparkSession, functions

            return SparkSession, functions
        except ImportError:
            if engine == "spark":
                raise
    from duckdb.experimental.spark.sql import SparkSession, functions

    return SparkSession, functions


# ---------------------------------------------------------------- reading a corpus


def read_parts(spark, base, parts):
    """The union of the listed Parquet parts (one path per read: DuckDB's reader takes one)."""
    df = None
    for p in parts:
        d = spark.read.parquet(base.rstrip("/") + "/" + p)
        df = d if df is None else df.union(d)
    return df


def corpus_tables(spark, F, corpus, manifest_path=None, label_set=None):
    """(trajectories, labels of the label set, label set name, labels_bv) of a corpus directory."""
    with open(manifest_path or os.path.join(corpus, "sounding-corpus.json"), encoding="utf-8") as f:
        m = json.load(f)
    if m.get("schema") != "sounding-corpus":
        raise SystemExit("%s: not a sounding corpus manifest" % (manifest_path or corpus))
    sets = m["labelSets"]
    if label_set is None:
        if len(sets) != 1:
            raise SystemExit(
                "%s: give --label-set (it has %s)" % (corpus, ", ".join(sorted(sets)) if sets else "no label set")
            )
        label_set = next(iter(sets))
    if label_set not in sets:
        raise SystemExit("%s: no label set %r (it has %s)" % (corpus, label_set, ", ".join(sorted(sets)) or "none"))
    traj_parts = [p for s in m["sources"] for p in s["parts"]["trajectories"]]
    if not traj_parts:
        raise SystemExit("%s: the corpus has no trajectories" % corpus)
    traj = read_parts(spark, corpus, traj_parts)
    labels = read_parts(spark, corpus, sets[label_set]["parts"])
    if labels is None:
        raise SystemExit("%s: label set %r has no Parquet parts" % (corpus, label_set))
    labels = labels.filter(F.col("label_set") == F.lit(label_set))
    return traj, labels, label_set, int(sets[label_set]["labelsBv"])


def _count_when(F, cond):
    return F.sum(F.when(cond, F.lit(1)).otherwise(F.lit(0)))


def corpus_tallies(F, traj, labels, bvs):
    """One row per trajectory with its tallies (lib/corpus/corpus-metrics.ts tallyCtes) and, per
    budget b in bvs, v_b / x_b: the VERIFICATION and extra REDUNDANTQUERY calls of its checked claims
    under B_v = b (budgetedChecks). Labels join by (file, trajectory id), else by id alone when that
    id occurs in one file of the label set."""
    lk = labels.select(F.col("file").alias("e_file"), F.col("trajectory_id").alias("e_tid")).distinct()
    uniq = (
        lk.groupBy("e_tid")
        .agg(F.min(F.col("e_file")).alias("u_file"), F.count(F.lit(1)).alias("u_n"))
        .filter(F.col("u_n") == F.lit(1))
        .select(F.col("e_tid").alias("u_tid"), F.col("u_file"))
    )
    tl = (
        traj.select(F.col("key").alias("tl_key"), F.col("trajectory_id").alias("tl_tid"), F.col("file").alias("tl_file"))
        .join(lk, (F.col("e_file") == F.col("tl_file")) & (F.col("e_tid") == F.col("tl_tid")), "left")
        .join(uniq, F.col("u_tid") == F.col("tl_tid"), "left")
        .select(F.col("tl_key"), F.col("tl_tid"), F.coalesce(F.col("e_file"), F.col("u_file")).alias("lfile"))
    )
    lab = labels.select(
        F.col("file").alias("l_file"),
        F.col("trajectory_id").alias("l_tid"),
        F.col("role").alias("l_role"),
        F.col("label").alias("l_label"),
        F.col("claim").alias("l_claim"),
        F.col("is_check").alias("l_check"),
    )
    tlab = tl.join(lab, (F.col("l_file") == F.col("lfile")) & (F.col("l_tid") == F.col("tl_tid")))
    page = F.col("l_role") == F.lit("page")
    lab_is = lambda name: F.col("l_label") == F.lit(name)  # noqa: E731
    fixed = page & F.col("l_check").isNotNull() & ~(F.col("l_check") & F.col("l_claim").isNotNull()) & lab_is(
        "REDUNDANTQUERY"
    )
    lt = tlab.groupBy("tl_key").agg(
        F.count(F.lit(1)).alias("label_rows"),
        _count_when(F, F.col("l_label").isNotNull()).alias("labelled"),
        _count_when(F, lab_is("UNIQUESEARCH")).alias("n_uniq_s"),
        _count_when(F, lab_is("REDUNDANTSEARCH")).alias("n_red_s"),
        _count_when(F, lab_is("EXPLORATION")).alias("n_explore"),
        _count_when(F, lab_is("VERIFICATION")).alias("n_verify"),
        _count_when(F, lab_is("REDUNDANTQUERY")).alias("n_red_q"),
        _count_when(F, page & F.col("l_check").isNull()).alias("no_claim_data"),
        _count_when(F, fixed).alias("n_red_q_fixed"),
    )
    checks = (
        tlab.filter(page & F.col("l_check") & F.col("l_claim").isNotNull())
        .groupBy("tl_key", "l_claim")
        .agg(F.count(F.lit(1)).alias("c"))
    )
    cc_aggs = [F.count(F.lit(1)).alias("checked_claims")]
    for b in bvs:
        cc_aggs.append(F.sum(F.least(F.col("c"), F.lit(b))).alias("v_%d" % b))
        cc_aggs.append(F.sum(F.greatest(F.lit(0), F.col("c") - F.lit(b))).alias("x_%d" % b))
    cc = checks.groupBy(F.col("tl_key").alias("cc_key")).agg(*cc_aggs)
    z = lambda name: F.coalesce(F.col(name), F.lit(0))  # noqa: E731
    has_claims = z("no_claim_data") == F.lit(0)
    cols = [
        F.col("key"), F.col("file"), F.col("format"), F.col("model"), F.col("dataset"), F.col("step"),
        F.col("group_id"), F.col("verdict"),
        F.when(F.col("correct"), F.lit(1)).otherwise(F.lit(0)).alias("correct"),
        F.when(F.col("format_ok"), F.lit(1)).otherwise(F.lit(0)).alias("fmt"),
        F.col("n_calls").alias("T"), F.col("turns"),
    ]
    cols += [z(n).alias(n) for n in ("labelled", "n_uniq_s", "n_red_s", "n_explore", "n_verify", "n_red_q", "n_red_q_fixed")]
    cols.append(F.when(has_claims, F.lit(1)).otherwise(F.lit(0)).alias("has_claims"))
    cols.append(F.when(has_claims, z("checked_claims")).otherwise(F.lit(0)).alias("checked_claims"))
    for b in bvs:
        cols += [z("v_%d" % b).alias("v_%d" % b), z("x_%d" % b).alias("x_%d" % b)]
    return (
        traj.join(lt, F.col("tl_key") == F.col("key"), "left")
        .join(cc, F.col("cc_key") == F.col("key"), "left")
        .select(*cols)
    )


# ---------------------------------------------------------------- labelling raw rows (the UDF)


def label_rollout(text):
    """The labelling UDF: a verl `output` (solution_str) -> its tallies as one string,
    "T,labelled,n_uniq_s,n_red_s,n_explore,n_verify,n_red_q,n_red_q_fixed,has_claims,fmt,turns|c;c;…"
    (the checks of each checked claim after the bar). The labeller is the exported module's
    `heuristic_labels`, the tallies `tallies_from_rows` (talliesOf), R_format `format_valid`."""
    r = read_solution(text if isinstance(text, str) else "")
    rows = heuristic_labels(r)
    t = tallies_from_rows(rows, [c["role"] for c in r.calls])
    checks = t["claim_checks"]
    head = [
        t["T"], t["labelled"], t["n_uniq_s"], t["n_red_s"], t["n_explore"], t["n_verify"], t["n_red_q"],
        t["n_red_q_fixed"], 0 if checks is None else 1, 1 if format_valid(r) else 0, len(r.steps),
    ]
    return ",".join(str(x) for x in head) + "|" + ";".join(str(c) for c in (checks or []))


def budgeted_checks(packed, bv):
    """A labelled rollout's (VERIFICATION, extra REDUNDANTQUERY) under B_v = bv, "v,x" (budgetedChecks)."""
    tail = packed.split("|", 1)[1] if packed else ""
    cs = [int(c) for c in tail.split(";") if c]
    return "%d,%d" % (sum(min(c, bv) for c in cs), sum(max(0, c - bv) for c in cs))


def verdict_text(v):
    """The verdict of an acc / correct value as text (verdictOf): correct | incorrect | unknown."""
    if v is None:
        return "unknown"
    try:
        x = float(v)
        if x == 1:
            return "correct"
        if x == 0:
            return "incorrect"
    except (TypeError, ValueError):
        pass
    got = verdict_of(str(v))
    return "unknown" if got is None else ("correct" if got else "incorrect")


def raw_tallies(spark, F, paths, bvs, text_col="output"):
    """Raw verl rollout rows (Parquet: output, and uid, step, data_source, acc or score when present)
    labelled by the Python labeller as UDFs, as the rows `corpus_tallies` gives (group_id is
    "s<step>:<uid>" as lib/formats/verl.ts groups them)."""
    raw = None
    for p in paths:
        d = spark.read.parquet(p)
        raw = d if raw is None else raw.union(d)
    if text_col not in raw.columns:
        raise SystemExit("raw rows have no %r column (columns: %s)" % (text_col, ", ".join(raw.columns)))
    spark.udf.register("sounding_label", label_rollout, "string")
    spark.udf.register("sounding_verdict", verdict_text, "string")
    spark.udf.register("sounding_budget", budgeted_checks, "string")
    has = set(raw.columns)
    col_or_null = lambda c, t: F.col(c) if c in has else F.lit(None).cast(t)  # noqa: E731
    if "acc" in has or "correct" in has:
        vcol = "acc" if "acc" in has else "correct"
        verdict = F.expr("sounding_verdict(CAST(%s AS STRING))" % vcol)
    elif "score" in has:
        verdict = (
            F.when(F.col("score").isNull(), F.lit("unknown"))
            .when(F.col("score") >= F.lit(VERDICT_THRESHOLD), F.lit("correct"))
            .otherwise(F.lit("incorrect"))
        )
    else:
        verdict = F.lit("unknown")
    step = col_or_null("step", "int")
    group = (
        F.concat(F.lit("s"), F.coalesce(step.cast("string"), F.lit("?")), F.lit(":"), F.col("uid").cast("string"))
        if "uid" in has
        else F.lit(None).cast("string")
    )
    packed = raw.select(
        F.expr("sounding_label(%s)" % text_col).alias("packed"),
        verdict.alias("verdict"),
        step.alias("step"),
        group.alias("group_id"),
        col_or_null("data_source", "string").alias("dataset"),
    )
    parts = F.split(F.col("packed"), "[|]")
    head = F.split(F.get(parts, 0), ",")
    cols = [F.lit(None).cast("string").alias("key"), F.lit(None).cast("string").alias("file")]
    cols += [F.lit("verl").alias("format"), F.lit(None).cast("string").alias("model")]
    cols += [F.col("dataset"), F.col("step"), F.col("group_id"), F.col("verdict")]
    cols.append(F.when(F.col("verdict") == F.lit("correct"), F.lit(1)).otherwise(F.lit(0)).alias("correct"))
    for i, name in enumerate(TALLY_FIELDS):
        cols.append(F.get(head, i).cast("int").alias(name))
    cols.append(F.col("packed"))
    t = packed.select(*cols)
    out = [F.col(c) for c in t.columns if c != "packed"]
    for b in bvs:
        vx = F.split(F.expr("sounding_budget(packed, %d)" % b), ",")
        out += [F.get(vx, 0).cast("int").alias("v_%d" % b), F.get(vx, 1).cast("int").alias("x_%d" % b)]
    return t.select(*out)


# ---------------------------------------------------------------- per-group metrics


def _rho(F, nred_s, nred_q, T, rho0):
    return F.when(T == F.lit(0), rho0).otherwise((nred_s + nred_q).cast("double") / T)


def group_metrics(F, tally, by):
    """corpusAggregate(corpus, by): per group n, accuracy and the mean of every measure."""
    for k in by:
        if k not in GROUP_KEYS:
            raise SystemExit('cannot group by "%s" (one of %s)' % (k, ", ".join(GROUP_KEYS)))
    T = F.col("T") if EQ7["countT"] == "all" else F.col("labelled")
    rho = _rho(F, F.col("n_red_s"), F.col("n_red_q"), T, F.lit(float(EQ7["rhoWhenNoCalls"])))
    measures = [
        ("T", F.col("T")), ("nUniqS", F.col("n_uniq_s")), ("nRedS", F.col("n_red_s")),
        ("nExplore", F.col("n_explore")), ("nVerify", F.col("n_verify")), ("nRedQ", F.col("n_red_q")),
        ("rho", rho), ("breadth", F.col("n_uniq_s") + F.col("n_explore")), ("depth", F.col("n_verify")),
        ("horizon", F.col("T")), ("turns", F.col("turns")),
    ]
    aggs = [F.count(F.lit(1)).alias("n"), F.avg(F.col("correct").cast("double")).alias("accuracy")]
    for name, e in measures:
        if name == "rho":
            aggs.append(F.sum(e.cast("decimal(38,18)")).cast("double").alias("rho_sum"))
        else:
            aggs.append(F.avg(e.cast("double")).alias(name))
    keyed = tally.select(*[F.col(GROUP_KEYS[k]).alias(k) for k in by], *[F.col(c) for c in tally.columns])
    grouped = keyed.groupBy(*by).agg(*aggs) if by else keyed.groupBy().agg(*aggs)
    rows = []
    for r in grouped.collect():
        d = r.asDict()
        out = {k: d[k] for k in by}
        out["n"] = int(d["n"])
        out["accuracy"] = d["accuracy"]
        for name, _ in measures:
            out[name] = d["rho_sum"] / d["n"] if name == "rho" else d[name]
        rows.append(out)
    # ORDER BY the keys NULLS LAST, as corpusAggregate
    rows.sort(key=lambda o: tuple((o[k] is None, o[k] if o[k] is not None else 0) for k in by))
    return rows


# ---------------------------------------------------------------- the reward sweep


def setting_rows(settings):
    """One tuple per setting: the kernel's coefficients (rewardCoefficients) and the replay options."""
    out = []
    for i, c in enumerate(settings):
        out.append(
            (
                i, 1 if c["stage"] == "vanilla" else 0, float(c["formatWeight"]), float(c["correctWeight"]),
                float(c["c1"]), float(c["c2"]), float(c["floor"]), 1 / c["CS"], 1 / c["CQ"], int(c["Bv"]),
                1 if c["countT"] == "all" else 0, 1 if c["clipDelta"] else 0, float(c["rhoWhenNoCalls"]),
            )
        )
    return out


SETTING_NAMES = ["setting", "vanilla", "fw", "cw", "c1", "c2", "floor_", "inv_s", "inv_q", "bv", "count_all", "clip", "rho0"]


def _by_bv(F, bvs, prefix, otherwise):
    """The replayed column for the row's setting: v_b / x_b of its budget b, `otherwise` when b is the labels' own."""
    e = None
    for b in bvs:
        cond = F.col("bv") == F.lit(b)
        e = F.when(cond, F.col("%s_%d" % (prefix, b))) if e is None else e.when(cond, F.col("%s_%d" % (prefix, b)))
    return otherwise if e is None else e.otherwise(otherwise)


def with_rewards(F, crossed, bvs, labels_bv):
    """Settings × rollouts with each row's reward, as lib/corpus/replay-sql.ts: the B_v replay (v, rq),
    T as counted (tt), Δ_S, Δ_Q, ρ and Eq. 4 / Eq. 8, the same operations in the same order."""
    replay = (F.col("bv") != F.lit(labels_bv)) & (F.col("has_claims") == F.lit(1))
    v = F.when(replay, _by_bv(F, bvs, "v", F.col("n_verify"))).otherwise(F.col("n_verify"))
    rq = F.when(replay, F.col("n_red_q_fixed") + _by_bv(F, bvs, "x", F.col("n_red_q"))).otherwise(F.col("n_red_q"))
    d = crossed.select("*", v.alias("v"), rq.alias("rq"))
    tt = F.when(F.col("count_all") == F.lit(1), F.col("T")).otherwise(F.col("labelled"))
    clip = lambda x: F.when((F.col("clip") == F.lit(1)) & (x < F.lit(0)), F.lit(0)).otherwise(x)  # noqa: E731
    ds = clip(F.col("n_uniq_s") - F.col("n_red_s"))
    dq = clip(F.col("n_explore") + F.col("v") - F.col("rq"))
    e = d.select("*", tt.alias("tt"), ds.alias("ds"), dq.alias("dq"))
    f = e.select("*", _rho(F, F.col("n_red_s"), F.col("rq"), F.col("tt"), F.col("rho0")).alias("rho"))
    one = F.lit(1.0)
    floored = F.greatest(F.lit(1) - F.col("rho"), F.col("floor_"))
    novelty = F.col("c1") * F.least(F.col("ds") * F.col("inv_s"), one) + F.col("c2") * F.least(
        F.col("dq") * F.col("inv_q"), one
    )
    branch = (
        F.when(F.col("vanilla") == F.lit(1), F.col("cw") * F.col("correct"))
        .when(F.col("correct") == F.lit(1), floored)
        .otherwise(novelty)
    )
    return f.select("*", (F.col("fw") * F.col("fmt") + branch).alias("reward"))


def _higher_counts(F, df, part, value):
    """Per distinct (part…, value): how many rows of its partition have a strictly higher value
    (RANK() … DESC − 1, without window functions)."""
    buckets = df.groupBy(*part, value).agg(F.count(F.lit(1)).alias("cnt"))
    # the two sides of a self-join need their own aliases (DuckDB's relations insist)
    other = buckets.alias("o").select(*[F.col(p).alias("o_" + p) for p in part], F.col(value).alias("o_v"), F.col("cnt").alias("o_cnt"))
    cond = None
    for p in part:
        c = F.col("o_" + p) == F.col(p)
        cond = c if cond is None else cond & c
    cond = cond & (F.col("o_v") > F.col(value))
    return (
        buckets.alias("b")
        .join(other, cond, "left")
        .groupBy(*part, value)
        .agg(F.coalesce(F.sum(F.col("o_cnt")), F.lit(0)).alias("higher"))
    )


def sweep(spark, F, tally, settings, labels_bv, bvs):
    """The sweep rows of every setting (the first is the reference for rank changes and no-effect)."""
    s_all = spark.createDataFrame(setting_rows(settings), SETTING_NAMES)
    base = tally.select(
        "group_id", "correct", "fmt", "T", "labelled", "n_uniq_s", "n_red_s", "n_explore", "n_verify", "n_red_q",
        "n_red_q_fixed", "has_claims", *["%s_%d" % (p, b) for b in bvs for p in ("v", "x")]
    )
    # the reference (first) setting's reward and rank beside each rollout
    keep = [F.col(c) for c in base.columns]
    first = with_rewards(F, s_all.filter(F.col("setting") == F.lit(0)).crossJoin(base), bvs, labels_bv)
    with_ref = first.select(*keep, F.col("reward").alias("ref_reward"))
    ranks = _higher_counts(F, with_ref.filter(F.col("group_id").isNotNull()), ["group_id"], "ref_reward")
    ranks = ranks.select(F.col("group_id").alias("k_grp"), F.col("ref_reward").alias("k_rew"), F.col("higher").alias("k_rk"))
    tally_ref = with_ref.alias("w").join(
        ranks.alias("k"), (F.col("k_grp") == F.col("group_id")) & (F.col("k_rew") == F.col("ref_reward")), "left"
    ).select(*keep, F.col("ref_reward"), F.coalesce(F.col("k_rk"), F.lit(0)).alias("ref_rk"))
    r = with_rewards(F, s_all.crossJoin(tally_ref), bvs, labels_bv).select(
        F.col("setting"), F.col("group_id").alias("grp"), F.col("correct"),
        (F.col("n_uniq_s") + F.col("n_explore")).alias("breadth"), F.col("v").alias("depth"),
        F.col("T").alias("horizon"), F.col("ref_reward"), F.col("ref_rk"), F.col("reward"),
    )
    grouped = r.filter(F.col("grp").isNotNull())
    g = grouped.groupBy("setting", "grp").agg(
        F.count(F.lit(1)).alias("size"),
        F.min(F.col("reward")).alias("lo"),
        F.max(F.col("reward")).alias("hi"),
        F.avg(F.col("reward")).alias("mean"),
        F.max(F.when(F.col("correct") == F.lit(0), F.col("reward"))).alias("max_inc"),
        F.min(F.when(F.col("correct") == F.lit(1), F.col("reward"))).alias("min_cor"),
    )
    multi = F.col("size") >= F.lit(2)
    gs = g.groupBy("setting").agg(
        _count_when(F, multi).alias("multi"),
        _count_when(F, multi & (F.col("hi") > F.col("lo"))).alias("informative"),
        _count_when(F, multi & (F.col("max_inc") > F.col("min_cor") + F.lit(EPS).cast("double"))).alias("inc_above"),
    )
    gj = g.select(
        F.col("setting").alias("g_setting"), F.col("grp").alias("g_grp"), F.col("size"), F.col("hi"), F.col("lo"),
        F.col("mean"),
    )
    fav = (
        grouped.alias("r").join(gj.alias("g"), (F.col("g_setting") == F.col("setting")) & (F.col("g_grp") == F.col("grp")))
        .filter(multi & (F.col("hi") > F.col("lo")) & (F.col("reward") > F.col("mean") + F.lit(EPS).cast("double")))
        .groupBy("setting")
        .agg(
            F.count(F.lit(1)).alias("fav"),
            F.sum(F.col("breadth")).alias("fb"),
            F.sum(F.col("depth")).alias("fd"),
            F.sum(F.col("horizon")).alias("fh"),
        )
    )
    dec = lambda e: F.sum(e.cast("decimal(38,18)")).cast("double")  # noqa: E731
    m = r.groupBy("setting").agg(
        dec(F.when(F.col("correct") == F.lit(1), F.col("reward")).otherwise(F.lit(0))).alias("sc"),
        F.sum(F.col("correct")).alias("nc"),
        dec(F.when(F.col("correct") == F.lit(0), F.col("reward")).otherwise(F.lit(0))).alias("si"),
        F.sum(F.lit(1) - F.col("correct")).alias("ni"),
        _count_when(F, F.col("reward") != F.col("ref_reward")).alias("differ"),
    )
    # rank changes: rollouts whose count of strictly higher rewards in the group differs from the reference's
    ranked = _higher_counts(F, grouped.select("setting", "grp", "reward"), ["setting", "grp"], "reward")
    ranked = ranked.select(
        F.col("setting").alias("h_setting"), F.col("grp").alias("h_grp"), F.col("reward").alias("h_rew"), F.col("higher")
    )
    ch = (
        grouped.alias("r").join(
            ranked.alias("h"),
            (F.col("h_setting") == F.col("setting")) & (F.col("h_grp") == F.col("grp")) & (F.col("h_rew") == F.col("reward")),
        )
        .groupBy("setting")
        .agg(_count_when(F, F.col("higher") != F.col("ref_rk")).alias("changes"))
    )
    found = {}
    for name, df in (("m", m), ("gs", gs), ("fav", fav), ("ch", ch)):
        for row in df.collect():
            found.setdefault(int(row["setting"]), {}).update(row.asDict())
    rows = []
    for i, cfg in enumerate(settings):
        x = found.get(i, {})
        rows.append(sweep_row(i, cfg, x))
    return rows


def _num(x):
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else x


def sweep_row(i, cfg, x):
    """sweepRowFrom (lib/reward/sweep-row.ts) without the formula guardrails (`sounding sweep` prints those)."""
    g = lambda k: x.get(k) or 0  # noqa: E731
    nc, ni, sc, si = g("nc"), g("ni"), g("sc"), g("si")
    nan = float("nan")
    warnings = []
    if g("inc_above"):
        warnings.append("incorrect-above-correct")
    if i > 0 and g("differ") == 0:
        warnings.append("no-effect")
    return {
        "setting": i,
        "config": cfg,
        "meanCorrect": _num(sc / nc if nc else nan),
        "meanIncorrect": _num(si / ni if ni else nan),
        "separation": _num(sc / nc - si / ni if nc and ni else nan),
        "nCorrect": int(nc),
        "nIncorrect": int(ni),
        "informativeGroups": _num(g("informative") / g("multi") if g("multi") else nan),
        "rankChanges": int(g("changes")),
        "groupsIncorrectAbove": int(g("inc_above")),
        "favouredBreadth": _num(g("fb") / g("fav") if g("fav") else nan),
        "favouredDepth": _num(g("fd") / g("fav") if g("fav") else nan),
        "favouredHorizon": _num(g("fh") / g("fav") if g("fav") else nan),
        "warnings": warnings,
    }


# ---------------------------------------------------------------- the command line


def settings_from(path):
    """The sweep's settings: a JSON array of reward settings, each over the exported one (SPEC config)."""
    if path is None:
        return [dict(SPEC["config"])]
    with open(path, encoding="utf-8") as f:
        given = json.load(f)
    if not isinstance(given, list) or not given:
        raise SystemExit("%s: expected a non-empty JSON array of reward settings" % path)
    out = []
    for i, c in enumerate(given):
        if not isinstance(c, dict):
            raise SystemExit("%s: setting %d is not an object" % (path, i))
        unknown = sorted(set(c) - set(SPEC["config"]))
        if unknown:
            raise SystemExit("%s: setting %d: unknown key(s) %s" % (path, i, ", ".join(unknown)))
        out.append(dict(SPEC["config"], **c))
    return out


def write_jsonl(path, rows):
    with open(path, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, allow_nan=False) + "\n")


def main(argv=None):
    ap = argparse.ArgumentParser(description="sounding on a cluster: per-group metrics and a reward sweep (PySpark)")
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--corpus", help="corpus directory (or URL the engine reads) holding sounding-corpus.json")
    src.add_argument("--raw", action="append", help="Parquet of raw verl rollout rows to label here (repeatable)")
    ap.add_argument("--manifest", help="local copy of the corpus manifest, when --corpus is not a local path")
    ap.add_argument("--label-set", help="label set of the corpus (default: its only one)")
    ap.add_argument("--text-column", default="output", help="raw rows: the rollout text column [output]")
    ap.add_argument("--by", default="dataset", help="comma-separated grouping keys of the metrics [dataset]")
    ap.add_argument("--settings", help="JSON array of reward settings to sweep (default: the exported one)")
    ap.add_argument("--out", required=True, help="output directory (metrics.jsonl, sweep.jsonl)")
    ap.add_argument("--write-tallies", action="store_true", help="raw rows: also write OUT/tallies (Parquet)")
    ap.add_argument("--engine", choices=("auto", "spark", "duckdb"), default="auto", help="PySpark, or DuckDB's PySpark API [auto]")
    a = ap.parse_args(argv)
    settings = settings_from(a.settings)
    by = [k.strip() for k in a.by.split(",") if k.strip()]
    SparkSession, F = spark_api(a.engine)
    spark = SparkSession.builder.appName("sounding").getOrCreate()
    if a.corpus:
        traj, labels, _, labels_bv = corpus_tables(spark, F, a.corpus, a.manifest, a.label_set)
        bvs = sorted({int(c["Bv"]) for c in settings} - {labels_bv})
        tally = corpus_tallies(F, traj, labels, bvs)
    else:
        labels_bv = int(HEURISTIC_OPTIONS["verifyBudget"])
        bvs = sorted({int(c["Bv"]) for c in settings} - {labels_bv})
        tally = raw_tallies(spark, F, a.raw, bvs, a.text_column)
    os.makedirs(a.out, exist_ok=True)
    if a.write_tallies and a.raw:
        tally.write.parquet(os.path.join(a.out, "tallies.parquet"))
    metrics = group_metrics(F, tally, by)
    rows = sweep(spark, F, tally, settings, labels_bv, bvs)
    write_jsonl(os.path.join(a.out, "metrics.jsonl"), metrics)
    write_jsonl(os.path.join(a.out, "sweep.jsonl"), rows)
    print("sounding spark job %s: %d group(s) in %s/metrics.jsonl, %d setting(s) in %s/sweep.jsonl" % (
        SPARK_JOB_VERSION, len(metrics), a.out, len(rows), a.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
