"""A fake OpenAI-compatible server on 127.0.0.1 for the collection tests (also runnable
as a script: ``python hivemind_fake_server.py PORT_FILE [DELAY]``)."""
from __future__ import annotations

import itertools
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

_counter = itertools.count()


class FakeServer:
    """``mode``: "ok", "malformed" (non-JSON), "nochoices", "dead" (HTTP 503), "notfound"
    (HTTP 404). ``one_choice`` ignores n like some servers do."""

    def __init__(self, mode: str = "ok", delay: float = 0.0, one_choice: bool = False) -> None:
        self.mode, self.delay, self.one_choice = mode, delay, one_choice
        self.requests: list[dict] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                server.requests.append(body)
                time.sleep(server.delay)
                if server.mode in ("dead", "notfound"):
                    self.send_error(503 if server.mode == "dead" else 404)
                    return
                n = 1 if server.one_choice else body.get("n", 1)
                if server.mode == "malformed":
                    payload = b"<html>oops</html>"
                elif server.mode == "nochoices":
                    payload = json.dumps({"error": "busy"}).encode()
                else:
                    last = body["messages"][-1]["content"]
                    choices = [{"index": i, "message": {"role": "assistant",
                                "content": f"{body['model']} says {next(_counter)} to: {last}"}}
                               for i in range(n)]
                    payload = json.dumps({"choices": choices}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        class Quiet(ThreadingHTTPServer):
            def handle_error(self, request, client_address):
                pass  # a client killed mid-request (the resume test) is expected

        self.httpd = Quiet(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> FakeServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


if __name__ == "__main__":
    with FakeServer(delay=float(sys.argv[2]) if len(sys.argv) > 2 else 0.0) as srv:
        with open(sys.argv[1], "w") as fh:
            fh.write(srv.url)
        while True:
            time.sleep(1)
