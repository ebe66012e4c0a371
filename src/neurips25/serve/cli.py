"""``neurips25 serve``: the OpenAI-compatible server on a local Hugging Face model.

Imported on every CLI start: nothing heavy at module level. Everything the user gave
(flags, model folder, tokenizer, cache file, address) is checked before the weights
load; the port is bound before the model loads, so "address in use" is a one-line
error too. Ctrl-C / SIGTERM shut down gracefully and save ``--cache-file``.
"""
from __future__ import annotations

import argparse
import os
import socket
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

METHODS = ("suffix", "suffix-tree", "prompt-lookup", "greedy")
API_KEY_ENV = "NEURIPS25_API_KEY"


def register(subparsers: Any) -> None:
    from neurips25.common import args as A
    from neurips25.suffix_decoding.cli import add_decode_flags

    p = subparsers.add_parser(
        "serve", help="OpenAI-compatible server with suffix decoding (needs the [serve] extra)",
        description="Serve a local Hugging Face model over /v1/completions and "
                    "/v1/chat/completions. One global suffix cache lives across requests; "
                    "one generation runs at a time, the others wait in a bounded queue.")
    p.add_argument("--model", required=True, help="local Hugging Face model folder (config.json)")
    p.add_argument("--method", choices=METHODS, default="suffix", help="(default: suffix)")
    p.add_argument("--host", default="127.0.0.1", help="bind address (default: 127.0.0.1)")
    p.add_argument("--port", type=A.int_range(0, 65535), default=8000,
                   help="(default: 8000; 0 = any free port)")
    p.add_argument("--served-model-name", help="the 'model' name clients send "
                                               "(default: the model folder's name)")
    p.add_argument("--cache-requests", type=A.nonneg_int, default=10_000,
                   help="responses kept in the global suffix cache, oldest dropped first; "
                        "0 = no cross-request cache (default: 10000)")
    p.add_argument("--cache-file", help="save the global cache here on shutdown and restore it "
                                        "at start (suffix methods)")
    p.add_argument("--api-key", help=f"require 'Authorization: Bearer KEY' on /v1 "
                                     f"(default: ${API_KEY_ENV} if set, else no key)")
    p.add_argument("--max-queue", type=A.positive_int, default=64,
                   help="requests waiting for the model before 503 (default: 64)")
    add_decode_flags(p)
    p.add_argument("--log-level", choices=("debug", "info", "warning", "error"), default="info",
                   help="uvicorn's access and error log (default: info)")
    p.set_defaults(func=_cmd_serve)


@dataclass
class Served:
    """A server ready to run: ``server.run(sockets=[sock])``; ``url`` ends in /v1."""

    server: Any
    sock: socket.socket
    state: Any
    url: str


def _check_flags(args: argparse.Namespace) -> None:
    from neurips25.common.errors import UserError

    if args.api_key is not None and not args.api_key.strip():
        raise UserError("--api-key is empty")
    if args.cache_file is not None:
        if args.method not in ("suffix", "suffix-tree"):
            raise UserError(f"--cache-file needs --method suffix or suffix-tree "
                            f"({args.method} keeps no suffix cache)")
        _check_writable(args.cache_file)


def _check_extra() -> None:
    import importlib.util

    from neurips25.common.errors import UserError

    missing = [m for m in ("fastapi", "uvicorn", "prometheus_client")
               if importlib.util.find_spec(m) is None]
    if missing:
        raise UserError(f"neurips25 serve needs the [serve] extra ({', '.join(missing)} not "
                        "installed): pip install -e '.[serve]'")


def _check_writable(path: str) -> None:
    from neurips25.common.errors import UserError

    p = Path(path)
    if not path.strip() or p.is_dir():
        raise UserError(f"--cache-file {path!r}: give a file name")
    if not p.parent.is_dir():
        raise UserError(f"--cache-file {path}: {p.parent} is not a folder" if p.parent.exists()
                        else f"--cache-file {path}: folder {p.parent} does not exist")
    try:
        fd, probe = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".probe", dir=p.parent)
    except OSError as exc:
        raise UserError(
            f"--cache-file {path}: cannot write in {p.parent} ({exc.strerror})") from None
    os.close(fd)
    os.unlink(probe)


def _bind(host: str, port: int) -> socket.socket:
    from neurips25.common.errors import UserError

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise UserError(f"--host {host!r}: {exc.strerror}") from None
    family, _, _, _, addr = infos[0]
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(addr)
    except OSError as exc:
        sock.close()
        raise UserError(f"cannot listen on {host}:{port} ({exc.strerror})") from None
    return sock


def make_server(args: argparse.Namespace) -> Served:
    """Validate everything, bind, load the model, restore the cache: a server to run."""
    from neurips25.serve import cache_store
    from neurips25.serve.loading import inspect_model, load_weights, resolve_eos

    _check_extra()
    _check_flags(args)
    info = inspect_model(args.model, need_tokenizer=True)
    eos = resolve_eos(info, args.eos)
    identity = cache_store.model_identity(info.folder, info.vocab_size)
    cached = cache_store.load(args.cache_file, identity) if args.cache_file else []
    sock = _bind(args.host, args.port)
    try:
        model = load_weights(info)
        return _assemble(args, info, model, eos, cached, identity, sock)
    except BaseException:
        sock.close()
        raise


def _assemble(args: argparse.Namespace, info: Any, model: Any, eos: list[int], cached: list,
              identity: dict, sock: socket.socket) -> Served:
    import uvicorn

    from neurips25.serve import cache_store
    from neurips25.serve.app import create_app
    from neurips25.serve.engine import Engine
    from neurips25.serve.metrics import Metrics
    from neurips25.serve.state import ServerState
    from neurips25.serve.worker import Worker
    from neurips25.suffix_decoding.cli import decode_options

    engine = Engine(model, decode_options(args), eos, cache_requests=args.cache_requests)
    if cached:
        engine.restore(cached)
    metrics = Metrics(args.method)
    worker = Worker(engine, info.tokenizer, metrics, max_queue=args.max_queue,
                    n_threads=args.threads)

    def save_cache() -> None:
        if args.cache_file:
            reqs = engine.cached_requests()
            cache_store.save(args.cache_file, identity, reqs)
            print(f"neurips25 serve: saved {len(reqs)} cached requests to {args.cache_file}",
                  file=sys.stderr)

    state = ServerState(engine=engine, worker=worker, tokenizer=info.tokenizer, metrics=metrics,
                        model_name=args.served_model_name or info.folder.resolve().name,
                        api_key=args.api_key or os.environ.get(API_KEY_ENV) or None,
                        on_shutdown=save_cache)
    config = uvicorn.Config(create_app(state), log_level=args.log_level, lifespan="on",
                            timeout_graceful_shutdown=5)
    host, port = sock.getsockname()[:2]
    url = f"http://{host if ':' not in host else f'[{host}]'}:{port}/v1"
    return Served(server=uvicorn.Server(config), sock=sock, state=state, url=url)


class _Stopped(Exception):
    """SIGTERM after the graceful shutdown (uvicorn re-raises the signal it caught)."""


def _on_sigterm(signum: int, frame: Any) -> None:
    raise _Stopped


def _cmd_serve(args: argparse.Namespace) -> int:
    import signal
    import threading

    served = make_server(args)
    st = served.state
    print(f"neurips25 serve: {st.engine.method} decoding of '{st.model_name}' at {served.url} "
          f"({len(st.engine.cached_requests())} cached requests restored)", file=sys.stderr,
          flush=True)
    main_thread = threading.current_thread() is threading.main_thread()
    before = signal.signal(signal.SIGTERM, _on_sigterm) if main_thread else None
    try:
        served.server.run(sockets=[served.sock])
    except (KeyboardInterrupt, _Stopped):
        pass  # uvicorn has shut down gracefully (and the cache is saved) before re-raising
    finally:
        served.sock.close()
        if main_thread:
            signal.signal(signal.SIGTERM, before)
    print("neurips25 serve: stopped", file=sys.stderr)
    return 0
