#!/usr/bin/env python3
"""Time the Python reference (weaver-kernel 0.12.0) on weaver's own workloads.

`cargo xtask bench --with-reference` creates a virtual environment under target/
(weaver-kernel==0.12.0 and tiktoken from the package index), has the Rust test kit write
the workloads, and runs this script with the venv's interpreter:

    python ref_driver.py --workloads DIR --out-md FILE [--out-json FILE]
                         [--runs 5] [--warmup 1] [--only rows_50k,small_calls,...]
                         [--tiktoken-cache DIR] [--tiktoken-bpe FILE]

Every operation: `warmup` untimed calls, then `runs` timed ones (time.perf_counter, a
gc.collect() first); the table gives median, min and max. MB/s is 10^6 input bytes per
median second (the file size for JSON workloads, the UTF-8 text size for text and chunks).
Redaction paths also report how many planted canaries survive in their output.

The markdown table is what the Rust benchmark report reads: one row per
`| workload | operation | median | min | max | MB/s | rate | note |`, durations written as
`<number> s|ms|µs|ns`. The `- scale:` line tells it the workloads' scale.

tiktoken cannot download its vocabulary here: the cl100k file shipped inside the
tiktoken-rs crate in the cargo registry is put where tiktoken's cache looks for it (after a
sha256 check). Without it the token-counting rows are skipped, with a message.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import glob
import hashlib
import json
import os
import platform
import shutil
import statistics
import sys
import time
from typing import Any, Callable

CL100K_URL = "https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken"
CL100K_SHA256 = "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7"
GROUPS = ["rows_50k", "text_20mb", "stream_chunks", "nested_deep", "small_calls", "budget_manager"]


def sha256_of(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while True:
            block = fh.read(1 << 20)
            if not block:
                return digest.hexdigest()
            digest.update(block)


def bpe_candidates(explicit: str | None) -> list[str]:
    found = [explicit] if explicit else []
    homes = [os.environ.get("CARGO_HOME"), os.path.expanduser("~/.cargo")]
    for home in filter(None, homes):
        pattern = os.path.join(home, "registry", "src", "*", "tiktoken-rs-*", "assets", "cl100k_base.tiktoken")
        found += sorted(glob.glob(pattern), reverse=True)
    return found


def offline_tiktoken(cache_dir: str, explicit: str | None) -> str | None:
    """Point tiktoken at a local cl100k file; returns None when there is none."""
    os.makedirs(cache_dir, exist_ok=True)
    os.environ["TIKTOKEN_CACHE_DIR"] = cache_dir
    slot = os.path.join(cache_dir, hashlib.sha1(CL100K_URL.encode()).hexdigest())
    if os.path.isfile(slot) and sha256_of(slot) == CL100K_SHA256:
        return slot
    for cand in bpe_candidates(explicit):
        if os.path.isfile(cand) and sha256_of(cand) == CL100K_SHA256:
            shutil.copyfile(cand, slot)
            return cand
    return None


def fmt_seconds(x: float) -> str:
    if x >= 1:
        return f"{x:.2f} s"
    if x >= 1e-3:
        return f"{x * 1e3:.1f} ms"
    if x >= 1e-6:
        return f"{x * 1e6:.1f} µs"
    return f"{x * 1e9:.0f} ns"


class Timings:
    """Collects one row per timed operation."""

    def __init__(self, runs: int, warmup: int) -> None:
        self.runs = max(1, runs)
        self.warmup = max(0, warmup)
        self.rows: list[dict[str, Any]] = []

    def time(self, workload: str, operation: str, fn: Callable[[], Any], *, nbytes: int | None = None,
             items: int | None = None, unit: str = "call", note: str = "") -> Any:
        out = None
        for _ in range(self.warmup):
            out = fn()
        samples = []
        for _ in range(self.runs):
            gc.collect()
            t0 = time.perf_counter()
            out = fn()
            samples.append(time.perf_counter() - t0)
        med = statistics.median(samples)
        row = {"workload": workload, "operation": operation, "median_s": med,
               "min_s": min(samples), "max_s": max(samples), "bytes": nbytes, "items": items,
               "unit": unit if items else None, "note": note}
        self.rows.append(row)
        print(f"  {workload:<14} {operation:<52} {fmt_seconds(med)}", file=sys.stderr, flush=True)
        return out

    def note(self, text: str) -> None:
        last = self.rows[-1]
        last["note"] = f"{last['note']}; {text}" if last["note"] else text


def leak_note(canaries: list[dict], text: str) -> str:
    survived = sum(1 for c in canaries if c["value"] in text)
    return f"leaked {survived}/{len(canaries)}"


def depth_of(value: Any) -> int:
    """Deepest level of any value, leaves included (the top value is level 0); iterative."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        v, d = stack.pop()
        deepest = max(deepest, d)
        if isinstance(v, dict):
            stack.extend((x, d + 1) for x in v.values())
        elif isinstance(v, list):
            stack.extend((x, d + 1) for x in v)
    return deepest


def read_workload(wdir: str, name: str) -> tuple[bytes, list[dict]]:
    with open(os.path.join(wdir, f"{name}.json"), "rb") as fh:
        raw = fh.read()
    with open(os.path.join(wdir, f"{name}.canaries.json"), encoding="utf-8") as fh:
        canaries = json.load(fh)["canaries"]
    return raw, canaries


def run(groups: list[str], wdir: str, scale: float, t: Timings, have_bpe: bool) -> None:
    from weaver_kernel.firewall import (BudgetManager, Firewall, default_token_counter,
                                        estimated_size, make_tiktoken_counter, redact, summarize)
    from weaver_kernel.firewall.redaction import StreamRedactor
    from weaver_kernel.handles import HandleStore
    from weaver_kernel.models import RawResult

    fw = Firewall()
    who = {"action_id": "act-ref", "principal_id": "p-ref", "principal_roles": ["analyst"]}

    def frame(data: Any, mode: str) -> Any:
        return fw.transform(RawResult(capability_id="bench.cap", data=data), response_mode=mode, **who)

    def frame_text(fr: Any) -> str:
        # Everything of a Frame that reaches the model: facts, preview rows, raw data, warnings.
        parts = {k: getattr(fr, k, None) for k in ("facts", "table_preview", "raw_data", "warnings")}
        return json.dumps(parts, default=str, ensure_ascii=False)

    tokenizer = make_tiktoken_counter() if have_bpe else None

    def count_tokens(name: str, value: Any, **kw: Any) -> None:
        t.time(name, "default_token_counter" + (" per call" if "items" in kw else ""),
               (lambda: [default_token_counter(x) for x in value]) if "items" in kw
               else (lambda: default_token_counter(value)), **kw)
        if tokenizer is not None:
            if "items" in kw:
                t.time(name, "tiktoken counter per call (cl100k)", lambda: [tokenizer(x) for x in value], **kw)
            else:
                n = t.time(name, "tiktoken counter (cl100k)", lambda: tokenizer(value), **kw)
                t.note(f"{n} tokens")

    for name in groups:
        print(f"== {name}", file=sys.stderr)
        if name in ("rows_50k", "nested_deep"):
            raw, canaries = read_workload(wdir, name)
            nb = len(raw)
            t.time(name, "json.loads", lambda: json.loads(raw), nbytes=nb)
            data = json.loads(raw)
            del raw
            deep = depth_of(data) + 1
            t.time(name, "estimated_size", lambda: estimated_size(data), nbytes=nb)
            out = t.time(name, "redact (max_depth=3, default)", lambda: redact(data), nbytes=nb)
            t.note(leak_note(canaries, json.dumps(out[0], default=str, ensure_ascii=False)))
            out = t.time(name, f"redact (max_depth={deep}, covers all)",
                         lambda: redact(data, max_depth=deep), nbytes=nb)
            t.note(leak_note(canaries, json.dumps(out[0], default=str, ensure_ascii=False)))
            t.time(name, "summarize (no redaction)", lambda: summarize(data), nbytes=nb)
            for mode in ("summary", "table"):
                fr = t.time(name, f"Firewall.transform {mode}", lambda: frame(data, mode), nbytes=nb)
                t.note(leak_note(canaries, frame_text(fr)))
            t.time(name, "HandleStore.store", lambda: HandleStore().store("bench.cap", data), nbytes=nb)
            store = HandleStore()
            handle = store.store("bench.cap", data)
            if name == "rows_50k":
                queries = {
                    "offset/limit": {"offset": len(data) // 2, "limit": 100},
                    "fields+limit": {"offset": 0, "limit": 1000,
                                     "fields": ["id", "customer", "status", "amount", "notes"]},
                    "filter+limit": {"filter": {"status": "refunded"}, "limit": 200},
                    "filter2+fields (no limit)": {"filter": {"status": "refunded", "currency": "EUR"},
                                                  "fields": ["id", "customer", "amount", "notes"], "offset": 10},
                    "fields only, all rows": {"fields": ["id", "notes"]},
                }
            else:
                queries = {"no query (whole doc)": {}}
            for label, q in queries.items():
                fr = t.time(name, f"HandleStore.expand {label}", lambda: store.expand(handle, query=q))
                t.note(leak_note(canaries, frame_text(fr)))
            count_tokens(name, data, nbytes=nb)
            del data, store, handle
        elif name == "text_20mb":
            raw, canaries = read_workload(wdir, name)
            t.time(name, "json.loads", lambda: json.loads(raw), nbytes=len(raw))
            text = json.loads(raw)
            del raw
            tb = len(text.encode("utf-8"))
            t.time(name, "estimated_size", lambda: estimated_size(text))
            out = t.time(name, "redact (string)", lambda: redact(text), nbytes=tb)
            t.note(leak_note(canaries, out[0]))
            t.time(name, "summarize (no redaction)", lambda: summarize(text))
            for mode in ("summary", "table"):
                fr = t.time(name, f"Firewall.transform {mode}", lambda: frame(text, mode), nbytes=tb)
                t.note(leak_note(canaries, frame_text(fr)))
            t.time(name, "HandleStore.store", lambda: HandleStore().store("bench.cap", text))
            store = HandleStore()
            handle = store.store("bench.cap", text)
            fr = t.time(name, "HandleStore.expand no query", lambda: store.expand(handle, query={}), nbytes=tb)
            t.note(leak_note(canaries, frame_text(fr)))
            count_tokens(name, text, nbytes=tb)
            del text, store, handle
        elif name == "stream_chunks":
            raw, canaries = read_workload(wdir, name)
            t.time(name, "json.loads", lambda: json.loads(raw), nbytes=len(raw))
            chunks = json.loads(raw)
            del raw
            tb = sum(len(c.encode("utf-8")) for c in chunks)
            per = {"nbytes": tb, "items": len(chunks), "unit": "chunk"}

            def streamed() -> str:
                sr = StreamRedactor()
                parts = [sr.feed(c)[0] for c in chunks]
                parts.append(sr.flush()[0])
                return "".join(parts)

            out = t.time(name, "StreamRedactor feed+flush", streamed, note="overlap 256", **per)
            t.note(leak_note(canaries, out))
            out = t.time(name, "naive per-chunk redact (no carry-over)",
                         lambda: "".join(redact(c)[0] for c in chunks), **per)
            t.note(leak_note(canaries, out))

            async def through_firewall() -> str:
                async def source():
                    for i, c in enumerate(chunks):
                        item = {"text": c}
                        if i == len(chunks) - 1:
                            item["__is_final__"] = True
                        yield item
                texts = []
                async for fr in fw.apply_stream(source(), capability_id="bench.cap", response_mode="table", **who):
                    texts.append(fr.table_preview[0].get("text", "") if fr.table_preview else "")
                return "".join(texts)

            out = t.time(name, "Firewall.apply_stream table", lambda: asyncio.run(through_firewall()), **per)
            t.note(leak_note(canaries, out))
            del chunks
        elif name == "small_calls":
            raw, canaries = read_workload(wdir, name)
            nb = len(raw)
            t.time(name, "json.loads", lambda: json.loads(raw), nbytes=nb)
            calls = json.loads(raw)
            del raw
            per = {"nbytes": nb, "items": len(calls), "unit": "call"}
            t.time(name, "estimated_size per call", lambda: [estimated_size(x) for x in calls], **per)
            out = t.time(name, "redact per call (default)", lambda: [redact(x) for x in calls], **per)
            t.note(leak_note(canaries, json.dumps([o[0] for o in out], default=str, ensure_ascii=False)))
            t.time(name, "summarize per call", lambda: [summarize(x) for x in calls], **per)
            for mode in ("summary", "table"):
                frs = t.time(name, f"Firewall.transform {mode} per call",
                             lambda: [frame(x, mode) for x in calls], **per)
                t.note(leak_note(canaries, "\n".join(frame_text(f) for f in frs)))

            def store_expand() -> list:
                st = HandleStore()
                return [st.expand(st.store("bench.cap", x), query={"offset": 0, "limit": 5}) for x in calls]

            frs = t.time(name, "HandleStore store+expand per call", store_expand, **per)
            t.note(leak_note(canaries, "\n".join(frame_text(f) for f in frs)))
            count_tokens(name, calls, **per)
            del calls
        elif name == "budget_manager":
            pairs = 200_000

            async def cycle(ask_mode: bool) -> int:
                bm = BudgetManager(total_budget=10**15, default_request=4_000)
                for i in range(pairs):
                    got = await bm.allocate()
                    if ask_mode:
                        bm.suggested_mode("table")
                    await bm.record_usage(1_000 + (i & 1023), reserved=got)
                return bm.used

            t.time(name, "BudgetManager allocate+record_usage", lambda: asyncio.run(cycle(False)),
                   items=pairs, unit="pair")
            t.time(name, "BudgetManager allocate+suggested_mode+record_usage",
                   lambda: asyncio.run(cycle(True)), items=pairs, unit="triple")
        else:
            raise SystemExit(f"unknown workload group {name!r} (known: {', '.join(GROUPS)})")
        gc.collect()


def markdown(rows: list[dict], meta: dict) -> str:
    lines = ["# The Python reference on weaver's workloads", ""]
    lines += [f"- {k}: {v}" for k, v in meta.items()]
    lines += ["", "| workload | operation | median | min | max | MB/s | rate | note |",
              "|---|---|---:|---:|---:|---:|---:|---|"]
    for r in rows:
        mbs = f"{r['bytes'] / 1e6 / r['median_s']:.1f}" if r["bytes"] and r["median_s"] > 0 else ""
        rate = f"{fmt_seconds(r['median_s'] / r['items'])}/{r['unit']}" if r["items"] else ""
        lines.append(f"| {r['workload']} | {r['operation']} | {fmt_seconds(r['median_s'])} | "
                     f"{fmt_seconds(r['min_s'])} | {fmt_seconds(r['max_s'])} | {mbs} | {rate} | {r['note']} |")
    return "\n".join(lines) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description="Time weaver-kernel 0.12.0 on weaver's workloads.")
    ap.add_argument("--workloads", required=True, help="directory written by the weaver test kit")
    ap.add_argument("--out-md", required=True)
    ap.add_argument("--out-json")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--only", default=",".join(GROUPS), help="comma-separated workload groups")
    ap.add_argument("--tiktoken-cache", default=os.path.join(os.getcwd(), "target", "ref-tiktoken"))
    ap.add_argument("--tiktoken-bpe", help="a local cl100k_base.tiktoken to use")
    args = ap.parse_args()

    with open(os.path.join(args.workloads, "manifest.json"), encoding="utf-8") as fh:
        manifest = json.load(fh)
    bpe = offline_tiktoken(args.tiktoken_cache, args.tiktoken_bpe)
    if bpe is None:
        print("ref_driver: no local cl100k_base.tiktoken (looked in the cargo registry's tiktoken-rs "
              "crate); skipping the tiktoken rows", file=sys.stderr)
    import weaver_kernel

    meta = {
        "scale": manifest.get("scale"),
        "seed": manifest.get("seed"),
        "workloads": f"{args.workloads} ({manifest.get('generator')} v{manifest.get('generator_version')})",
        "reference": f"weaver-kernel {getattr(weaver_kernel, '__version__', '?')}",
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} cpus",
        "method": f"{args.warmup} warm-up + median of {args.runs} runs per operation, one process",
        "tiktoken vocabulary": bpe or "not available: token rows skipped",
    }
    t = Timings(args.runs, args.warmup)
    groups = [g for g in args.only.split(",") if g]
    run(groups, args.workloads, float(manifest.get("scale", 1.0)), t, bpe is not None)
    with open(args.out_md, "w", encoding="utf-8") as fh:
        fh.write(markdown(t.rows, meta))
    if args.out_json:
        with open(args.out_json, "w", encoding="utf-8") as fh:
            json.dump({"meta": meta, "rows": t.rows}, fh, indent=1, ensure_ascii=False)
    print(f"ref_driver: {len(t.rows)} rows written to {args.out_md}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
