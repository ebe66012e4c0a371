"""``neurips25 serve``: an OpenAI-compatible server with SuffixDecoding for local HF models.

One process holds one model and one global suffix cache that lives across requests
(SuffixDecoding Sec. 3.1: an agent's earlier responses draft its later ones). Pieces:

- ``engine``: the one adapter to the suffix-decoding library (decoder, cache, sampling);
- ``worker``: a single model thread behind a bounded queue (one forward at a time);
- ``textstream``: incremental detokenization with stop strings;
- ``protocol`` / ``app``: the OpenAI request models and the FastAPI endpoints;
- ``metrics``: Prometheus counters; ``cache_store``: save/restore of the global cache;
- ``cli``: the ``serve`` command.

Importing this package stays light: FastAPI, uvicorn and torch load in the modules that
need them (the ``[serve]`` extra).
"""
