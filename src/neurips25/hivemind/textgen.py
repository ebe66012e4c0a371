"""A small synthetic language of open-ended answers: the corpora our LMs learn from.

No pretrained LM is available offline, so the study trains its own. Each corpus maps an
open-ended prompt ("write a metaphor about time") to a bank of *ideas* (adjective,
image, verb, object) with Zipf-distributed popularity, rendered through a few sentence
templates with corpus-specific style weights. Two corpora built from different seeds
share the language but not the ideas: the "different data" condition.
"""
from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass

import numpy as np

# (prompt id, prompt text, topic phrase used in answers); written for this project
PROMPTS: tuple[tuple[str, str, str], ...] = (
    ("time", "write a metaphor about time", "time"),
    ("home", "describe the feeling of home", "home"),
    ("friend", "what is friendship really", "friendship"),
    ("moon", "invent a myth about the moon", "the moon"),
    ("city", "describe a city of the future", "the city"),
    ("courage", "what does courage look like", "courage"),
    ("sea", "write a line about the sea", "the sea"),
    ("memory", "describe memory in one sentence", "memory"),
    ("hope", "tell me what hope is", "hope"),
    ("library", "describe a forgotten library", "the library"),
    ("silence", "write a sentence about silence", "silence"),
    ("learning", "describe how learning feels", "learning"),
    ("love", "what is love like", "love"),
    ("winter", "describe winter to a child", "winter"),
    ("ambition", "write one line about ambition", "ambition"),
    ("internet", "describe the internet as a place", "the internet"),
)

ADJECTIVES = (
    "quiet", "restless", "golden", "broken", "patient", "endless", "gentle", "wild",
    "ancient", "silver", "hidden", "burning", "fragile", "stubborn", "hollow", "bright",
    "slow", "hungry", "tender", "distant", "crooked", "luminous", "weary", "secret",
)
IMAGES = (
    "river", "thief", "garden", "lantern", "clock", "ocean", "mirror", "bridge", "seed",
    "fire", "map", "song", "storm", "key", "road", "candle", "tide", "wheel", "mountain",
    "feather", "shadow", "echo", "window", "harbor", "forest", "compass", "ladder",
    "thread", "stone", "bird", "cloud", "engine", "orchard", "spiral", "tapestry",
    "hourglass", "comet", "desert", "glacier", "loom",
)
VERBS = (
    "carries", "steals", "guards", "weaves", "swallows", "lights", "shapes", "remembers",
    "hides", "follows", "heals", "scatters", "gathers", "breaks", "teaches", "slows",
    "feeds", "rewrites", "opens", "buries",
)
OBJECTS = (
    "our days", "every promise", "the stars", "small dreams", "old names", "the morning",
    "each heartbeat", "lost letters", "the horizon", "our fears", "quiet hours",
    "the light", "forgotten songs", "every road", "the children", "our mistakes",
    "the seasons", "distant voices", "the dust", "new beginnings",
)
TAILS = (
    "and we follow it", "every single day", "until the end", "without a sound",
    "for all of us", "whether we notice or not", "again and again", "one step at a time",
)
TEMPLATES = (
    "{topic} is a {adj} {image} that {verb} {obj}",
    "{topic} is like a {adj} {image} , it {verb} {obj}",
    "think of {topic} as a {adj} {image} that {verb} {obj}",
    "{topic} : a {adj} {image} that quietly {verb} {obj}",
)

Idea = tuple[str, str, str, str]  # (adjective, image, verb, object)


def _rng(*parts: object) -> np.random.Generator:
    digest = hashlib.sha256("|".join(map(str, parts)).encode()).digest()
    return np.random.default_rng(int.from_bytes(digest[:8], "little"))


def idea_bank(corpus_seed: int, prompt_id: str, k: int) -> list[Idea]:
    """``k`` distinct ideas for one prompt in one corpus (deterministic in the seed)."""
    rng = _rng("ideas", corpus_seed, prompt_id)
    seen: dict[Idea, None] = {}
    while len(seen) < k:
        idea = (
            ADJECTIVES[rng.integers(len(ADJECTIVES))], IMAGES[rng.integers(len(IMAGES))],
            VERBS[rng.integers(len(VERBS))], OBJECTS[rng.integers(len(OBJECTS))],
        )
        seen[idea] = None
    return list(seen)


def zipf_weights(k: int, exponent: float) -> np.ndarray:
    w = 1.0 / np.arange(1, k + 1) ** exponent
    return w / w.sum()


def render(topic: str, idea: Idea, template: int, tail: int | None) -> str:
    adj, image, verb, obj = idea
    text = TEMPLATES[template].format(topic=topic, adj=adj, image=image, verb=verb, obj=obj)
    if tail is not None:
        text += " " + TAILS[tail]
    return text + " ."


def _cdf(p: np.ndarray) -> np.ndarray:
    cdf = np.cumsum(p)
    return cdf / cdf[-1]


@dataclass(frozen=True)
class Corpus:
    """One "culture" of answers: idea banks per prompt, idea popularity, template style."""

    seed: int
    ideas_per_prompt: int = 12
    zipf_exponent: float = 1.0
    tail_prob: float = 0.4

    def ideas(self, prompt_id: str) -> list[Idea]:
        return idea_bank(self.seed, prompt_id, self.ideas_per_prompt)

    def template_weights(self) -> np.ndarray:
        w = _rng("style", self.seed).dirichlet(np.full(len(TEMPLATES), 2.0))
        return w

    def sample(self, prompt_id: str, topic: str, n: int, rng: np.random.Generator) -> list[str]:
        """``n`` answers to one prompt drawn from this corpus's distribution.

        Each weighted draw is ``rng.choice(k, p=p)`` done by hand (one ``rng.random()``
        looked up in the normalised CDF, as numpy does it): the same stream and answers,
        without choice's per-call checks of ``p`` (most of the corpus-building time)."""
        bank = self.ideas(prompt_id)
        cdf_idea = _cdf(zipf_weights(len(bank), self.zipf_exponent))
        cdf_tmpl = _cdf(self.template_weights())
        out = []
        for _ in range(n):
            idea = bank[int(cdf_idea.searchsorted(rng.random(), side="right"))]
            tmpl = int(cdf_tmpl.searchsorted(rng.random(), side="right"))
            tail = int(rng.integers(len(TAILS))) if rng.random() < self.tail_prob else None
            out.append(render(topic, idea, tmpl, tail))
        return out


def vocabulary() -> list[str]:
    """Every word the synthetic language and its prompts can use, sorted."""
    words: set[str] = {",", ".", ":"}
    for _pid, text, topic in PROMPTS:
        words.update(text.split())
        words.update(topic.split())
    for group in (ADJECTIVES, IMAGES, VERBS, OBJECTS, TAILS, TEMPLATES):
        for phrase in group:
            words.update(w for w in phrase.split() if not w.startswith("{"))
    return sorted(words)


def _alternation(name: str, words: tuple[str, ...]) -> str:
    longest_first = sorted(words, key=len, reverse=True)
    return f"(?P<{name}>" + "|".join(re.escape(w) for w in longest_first) + ")"


@functools.lru_cache(maxsize=256)
def _template_regex(template: str, topic: str) -> re.Pattern[str]:
    groups = {"{adj}": _alternation("adj", ADJECTIVES), "{image}": _alternation("image", IMAGES),
              "{verb}": _alternation("verb", VERBS), "{obj}": _alternation("obj", OBJECTS),
              "{topic}": re.escape(topic)}
    parts = re.split(r"(\{\w+\})", template)
    body = "".join(groups.get(p, re.escape(p)) for p in parts)
    return re.compile(body + "(?: " + _alternation("tail", TAILS) + r")? \.")


def parse(text: str, topic: str) -> Idea | None:
    """The idea of a well-formed answer in the synthetic language, or None.

    The study's reward model scores ideas, so it must first read them; malformed
    samples (a degenerate LM's output) parse to None.
    """
    for template in TEMPLATES:
        m = _template_regex(template, topic).fullmatch(text.strip())
        if m is not None:
            return (m["adj"], m["image"], m["verb"], m["obj"])
    return None


class IdeaReward:
    """A stand-in reward model with an idiosyncratic taste: fixed random weights on each
    idea component (adjective, image, verb, object), summed / 2. Malformed or unfinished
    answers get -2. Prompts outside ``PROMPTS`` use their last word as topic."""

    def __init__(self, seed: int) -> None:
        rng = _rng("reward", seed)
        self.weights = {
            slot: {w: float(rng.normal()) for w in words}
            for slot, words in (("adj", ADJECTIVES), ("image", IMAGES), ("verb", VERBS),
                                ("obj", OBJECTS))
        }
        self.topics = {text: topic for _pid, text, topic in PROMPTS}

    def score_idea(self, idea: Idea) -> float:
        slots = ("adj", "image", "verb", "obj")
        return sum(self.weights[s][w] for s, w in zip(slots, idea, strict=True)) / 2

    def __call__(self, prompt: str, text: str, finished: bool = True) -> float:
        idea = parse(text, self.topics.get(prompt, prompt.split()[-1])) if finished else None
        return -2.0 if idea is None else self.score_idea(idea)
