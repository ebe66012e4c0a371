"""The OpenAI endpoints through the official ``openai`` client against a real server."""
from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest
from serve_helpers import client, running

PROMPT = "### request\nweather in paris on 2024-05-01\n### call\n"


@pytest.fixture(scope="module")
def server(models):
    with running(models["noeos"], "--method", "suffix") as served:
        yield served


@pytest.fixture(scope="module")
def api(server):
    return client(server)


def greedy_text(api, prompt=PROMPT, max_tokens=24, **kw):
    r = api.completions.create(model="noeos", prompt=prompt, max_tokens=max_tokens,
                               temperature=0, **kw)
    return r.choices[0].text, r


def test_models_health_and_usage(server, api, tokenizer):
    assert server.url.startswith("http://127.0.0.1:")  # loopback unless --host says otherwise
    assert server.sock.getsockname()[0] == "127.0.0.1"
    assert [m.id for m in api.models.list().data] == ["noeos"]
    with urllib.request.urlopen(server.url.removesuffix("/v1") + "/health") as resp:
        assert json.load(resp) == {"status": "ok"}
    text, r = greedy_text(api)
    assert r.object == "text_completion" and r.model == "noeos"
    assert r.choices[0].finish_reason == "length"  # this model has no EOS
    assert r.usage.prompt_tokens == len(tokenizer(PROMPT)["input_ids"])
    assert r.usage.completion_tokens == 24
    assert r.usage.total_tokens == r.usage.prompt_tokens + 24
    assert text  # random weights: gibberish, but some text


def test_token_id_prompt_equals_text_prompt(api, tokenizer):
    text, _ = greedy_text(api)
    ids_text, _ = greedy_text(api, prompt=tokenizer(PROMPT)["input_ids"])
    assert ids_text == text


def test_streaming_completion_equals_plain(api):
    text, _ = greedy_text(api, max_tokens=30)
    chunks = list(api.completions.create(model="noeos", prompt=PROMPT, max_tokens=30,
                                         temperature=0, stream=True,
                                         stream_options={"include_usage": True}))
    streamed = "".join(c.choices[0].text for c in chunks if c.choices)
    assert streamed == text
    assert sum(1 for c in chunks if c.choices and c.choices[0].text) > 1  # really incremental
    assert [c.choices[0].finish_reason for c in chunks if c.choices][-1] == "length"
    assert chunks[-1].usage.completion_tokens == 30


def test_chat_and_chat_stream(api, tokenizer):
    msgs = [{"role": "system", "content": "be brief"}, {"role": "user", "content": "hello"}]
    r = api.chat.completions.create(model="noeos", messages=msgs, max_tokens=12, temperature=0)
    templ = tokenizer.apply_chat_template(msgs, tokenize=False, add_generation_prompt=True)
    assert r.object == "chat.completion" and r.choices[0].message.role == "assistant"
    assert r.usage.prompt_tokens == len(tokenizer(templ, add_special_tokens=False)["input_ids"])
    # the chat endpoint is the completion of the templated text
    plain, _ = greedy_text(api, prompt=templ, max_tokens=12)
    assert r.choices[0].message.content == plain
    chunks = list(api.chat.completions.create(model="noeos", messages=msgs, max_tokens=12,
                                              temperature=0, stream=True))
    assert chunks[0].choices[0].delta.role == "assistant"
    assert "".join(c.choices[0].delta.content or "" for c in chunks) == plain
    assert chunks[-1].choices[0].finish_reason == "length"


def test_n_choices_and_seed(api):
    kw = dict(model="noeos", prompt=PROMPT, max_tokens=16, temperature=1.0, n=3)
    a = api.completions.create(seed=11, **kw)
    b = api.completions.create(seed=11, **kw)
    c = api.completions.create(seed=12, **kw)
    texts = lambda r: [ch.text for ch in sorted(r.choices, key=lambda ch: ch.index)]  # noqa: E731
    assert [ch.index for ch in a.choices] == [0, 1, 2]
    assert texts(a) == texts(b)  # same seed, same answers (the cache grew in between)
    assert texts(a) != texts(c)
    assert len(set(texts(a))) > 1  # choices are different draws
    assert a.usage.completion_tokens == 48


def test_stop_sequences(api):
    text, _ = greedy_text(api, max_tokens=40)
    stop = text[10:14]
    first = text.find(stop)
    r = api.completions.create(model="noeos", prompt=PROMPT, max_tokens=40, temperature=0,
                               stop=[stop, "never-in-gibberish"])
    assert r.choices[0].text == text[:first]
    assert r.choices[0].finish_reason == "stop"
    chunks = api.completions.create(model="noeos", prompt=PROMPT, max_tokens=40, temperature=0,
                                    stop=stop, stream=True)
    assert "".join(c.choices[0].text for c in chunks) == text[:first]


def test_batched_prompts(api):
    one, _ = greedy_text(api, max_tokens=8)
    two, _ = greedy_text(api, prompt="### note on books", max_tokens=8)
    r = api.completions.create(model="noeos", prompt=[PROMPT, "### note on books"],
                               max_tokens=8, temperature=0, n=2)
    assert [c.text for c in sorted(r.choices, key=lambda c: c.index)] == [one, one, two, two]


def test_metrics(server, api):
    greedy_text(api, max_tokens=8)
    with urllib.request.urlopen(server.url.removesuffix("/v1") + "/metrics") as resp:
        body = resp.read().decode()
    for name in ("neurips25_serve_requests_total", "neurips25_serve_completion_tokens_total",
                 "neurips25_serve_tokens_per_forward", "neurips25_serve_acceptance_rate",
                 "neurips25_serve_speculation_share", "neurips25_serve_cached_requests",
                 "process_resident_memory_bytes"):
        assert name in body, name
    cached = [ln for ln in body.splitlines() if ln.startswith("neurips25_serve_cached_requests ")]
    assert float(cached[0].split()[1]) >= 1


def _post(server, path, body, headers=None):
    req = urllib.request.Request(server.url + path, data=body if isinstance(body, bytes)
                                 else json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(req) as resp:
            return resp.status, json.load(resp), resp.headers
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read()), exc.headers


@pytest.mark.parametrize("body,param", [
    ({"model": "noeos", "prompt": "hi", "max_tokens": -1}, "max_tokens"),
    ({"model": "noeos", "prompt": "hi", "max_tokens": "5"}, "max_tokens"),
    ({"model": "noeos", "prompt": "hi", "temperature": "hot"}, "temperature"),
    ({"model": "noeos", "prompt": "hi", "temperature": 3.5}, "temperature"),
    ({"model": "noeos", "prompt": "hi", "top_p": 0}, "top_p"),
    ({"model": "noeos", "prompt": "hi", "n": 0}, "n"),
    ({"model": "noeos", "prompt": "hi", "stop": ["a", "b", "c", "d", "e"]}, "stop"),
    ({"model": "noeos", "prompt": "hi", "seed": 1.5}, "seed"),
    ({"model": "noeos", "prompt": 5}, "prompt"),
    ({"model": "noeos", "prompt": []}, "prompt"),
    ({"model": "noeos", "prompt": [1, -3]}, "prompt"),
    ({"model": "noeos", "prompt": [1, 99999]}, "prompt"),
    ({"model": "noeos", "prompt": "hi", "logprobs": 3}, None),
    ({"model": "noeos", "prompt": "hi", "max_tokens": 500}, "max_tokens"),
    ({"model": "noeos", "prompt": "word " * 300}, "prompt"),
    ({"prompt": "hi"}, "model"),
    (b"{not json", None),
    (b"[1, 2]", None),
])
def test_bad_completion_requests_are_400(server, api, body, param):
    status, err, _ = _post(server, "/completions", body)
    assert status == 400, err
    assert err["error"]["type"] == "invalid_request_error" and err["error"]["message"]
    if param is not None:
        assert err["error"]["param"] == param, err
    assert greedy_text(api, max_tokens=2)[0]  # the server is still up


@pytest.mark.parametrize("body", [
    {"model": "noeos", "messages": []},
    {"model": "noeos", "messages": [{"role": "wizard", "content": "hi"}]},
    {"model": "noeos", "messages": [{"role": "user", "content": 3}]},
    {"model": "noeos", "messages": "hello"},
])
def test_bad_chat_requests_are_400(server, body):
    status, err, _ = _post(server, "/chat/completions", body)
    assert status == 400 and err["error"]["message"], err


def test_unknown_model_is_404(api):
    import openai

    with pytest.raises(openai.NotFoundError) as exc:
        api.completions.create(model="gpt-x", prompt="hi", max_tokens=2)
    assert exc.value.body["code"] == "model_not_found"


def test_unknown_route_is_an_openai_style_404(server):
    status, err, _ = _post(server, "/embeddings", {"model": "noeos", "input": "hi"})
    assert status == 404 and err["error"]["type"] == "not_found_error"


def test_model_without_chat_template_is_400(models):
    import openai

    with running(models["nochat"]) as served:
        api = client(served)
        with pytest.raises(openai.BadRequestError, match="no chat template"):
            api.chat.completions.create(model="nochat", messages=[{"role": "user",
                                                                    "content": "hi"}])
        assert api.completions.create(model="nochat", prompt="hi", max_tokens=3).choices


def test_api_key(models):
    import openai

    with running(models["tiny"], "--api-key", "s3cret") as served:
        with pytest.raises(openai.AuthenticationError):
            client(served, api_key="wrong").models.list()
        with pytest.raises(openai.AuthenticationError):
            client(served, api_key="wrong").completions.create(model="tiny", prompt="hi",
                                                               max_tokens=2)
        status, err, _ = _post(served, "/completions", {"model": "tiny", "prompt": "x"})
        assert status == 401 and err["error"]["type"] == "authentication_error"
        ok = client(served, api_key="s3cret")
        assert ok.completions.create(model="tiny", prompt="hi", max_tokens=2).choices
        # health and metrics stay open for probes
        with urllib.request.urlopen(served.url.removesuffix("/v1") + "/health") as resp:
            assert resp.status == 200
