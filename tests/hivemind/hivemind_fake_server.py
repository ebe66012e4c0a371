"""A fake OpenAI-compatible server on 127.0.0.1 for the collection tests, with faults on
demand (also runnable as a script: ``python hivemind_fake_server.py PORT_FILE [DELAY]``).

Modes (``mode`` for every request, or ``script``: one mode per request in order, then
``mode``):
- ``ok``: a well-formed reply with ``n`` choices (``one_choice`` ignores n, as some servers do);
- ``malformed``: 200 with a non-JSON body; ``nochoices``: JSON without ``choices``;
- ``badmessage``: ``message`` is a string, not an object; ``nocontent``: content is a number;
- ``truncated``: Content-Length promises more than is sent, then the socket closes;
- ``badstatus``: a status line that is not HTTP; ``drop``: the connection closes silently;
- ``dead``: HTTP 503; ``overloaded``: HTTP 429; ``error``: HTTP 500; ``notfound``: HTTP 404;
- ``hang``: no reply until the client gives up (bounded: at most ``hang_s``, and released
  when the server stops).
"""
from __future__ import annotations

import itertools
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

_counter = itertools.count()
STATUS = {"dead": 503, "overloaded": 429, "error": 500, "notfound": 404}


def _choices(body: dict, n: int, mode: str) -> list:
    last = body["messages"][-1]["content"]
    out = []
    for i in range(n):
        text = f"{body['model']} says {next(_counter)} to: {last}"
        message: object = {"role": "assistant", "content": text}
        if mode == "badmessage":
            message = text
        elif mode == "nocontent":
            message = {"role": "assistant", "content": 42}
        out.append({"index": i, "message": message, "finish_reason": "stop"})
    return out


class FakeServer:
    def __init__(self, mode: str = "ok", delay: float = 0.0, one_choice: bool = False,
                 script: list[str] | None = None, hang_s: float = 5.0) -> None:
        self.mode, self.delay, self.one_choice, self.hang_s = mode, delay, one_choice, hang_s
        self.script = list(script or [])
        self.requests: list[dict] = []
        self.modes: list[str] = []  # the mode each request was answered with
        self._lock = threading.Lock()
        self._stop = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                mode = server._next(body)
                time.sleep(server.delay)
                server._answer(self, body, mode)

        class Quiet(ThreadingHTTPServer):
            daemon_threads = True
            block_on_close = False

            def handle_error(self, request, client_address):
                pass  # a client killed mid-request (the resume test) is expected

        self.httpd = Quiet(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def _next(self, body: dict) -> str:
        with self._lock:
            mode = self.script.pop(0) if self.script else self.mode
            self.requests.append(body)
            self.modes.append(mode)
            return mode

    def _answer(self, h: BaseHTTPRequestHandler, body: dict, mode: str) -> None:
        h.close_connection = True
        if mode == "hang":
            self._stop.wait(self.hang_s)
            return
        if mode == "badstatus":
            h.wfile.write(b"HTTP/1.1 OK-ish nonsense\r\nbogus\r\n\r\n{}")
            return
        if mode == "drop":
            return
        if mode in STATUS:
            payload = json.dumps({"error": {"message": mode, "type": mode}}).encode()
            self._send(h, STATUS[mode], payload)
            return
        n = 1 if self.one_choice else body.get("n", 1)
        if mode == "malformed":
            payload = b"<html>oops</html>"
        elif mode == "nochoices":
            payload = json.dumps({"error": "busy"}).encode()
        else:
            payload = json.dumps({"id": "x", "object": "chat.completion", "created": 0,
                                  "model": body["model"], "choices": _choices(body, n, mode)}
                                 ).encode()
        if mode == "truncated":
            self._send(h, 200, payload[: len(payload) // 2], length=len(payload))
            return
        self._send(h, 200, payload)

    @staticmethod
    def _send(h: BaseHTTPRequestHandler, status: int, payload: bytes,
              length: int | None = None) -> None:
        h.send_response(status)
        h.send_header("Content-Type", "application/json")
        h.send_header("Content-Length", str(length if length is not None else len(payload)))
        h.send_header("Connection", "close")
        h.end_headers()
        h.wfile.write(payload)
        h.wfile.flush()

    def __enter__(self) -> FakeServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self.httpd.shutdown()
        self.httpd.server_close()


if __name__ == "__main__":
    with FakeServer(delay=float(sys.argv[2]) if len(sys.argv) > 2 else 0.0) as srv:
        with open(sys.argv[1], "w") as fh:
            fh.write(srv.url)
        deadline = time.time() + 600  # bounded even if nobody stops it
        while time.time() < deadline:
            time.sleep(1)
