"""A taxonomy of open-ended prompts (6 top-level / 17 fine categories, after the paper's
Infinity-Chat taxonomy) and a prompt set written for this project, 3 per fine category.

The prompts are original to this project (none is taken from Infinity-Chat). Category
names follow the paper's structure as recalled offline; the paper's per-category
percentages could not be checked here, so ``paper_share`` is None rather than a guess.
Categories are multi-label in the paper: a prompt may belong to several.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Category:
    top: str
    fine: str
    paper_share: float | None  # share of Infinity-Chat prompts (percent); None = unverified
    prompts: tuple[str, ...]


TAXONOMY: tuple[Category, ...] = (
    Category("Creative Content Generation", "Creative Writing", None, (
        "Write a four-line poem about a lighthouse keeper who is afraid of the dark.",
        "Write the opening paragraph of a story set on a train that never stops.",
        "Write a metaphor that explains what procrastination feels like.",
    )),
    Category("Creative Content Generation", "Alternative Writing Genres", None, (
        "Write a recipe for a rainy Sunday, in the style of a cooking show script.",
        "Write a product review of gravity, as if it were a kitchen appliance.",
        "Write a short letter from a houseplant to the person who keeps forgetting to water it.",
    )),
    Category("Creative Content Generation", "Humor", None, (
        "Tell a joke that a cat would find funny.",
        "Write a funny excuse for being late to your own birthday party.",
        "Invent a ridiculous new sport and explain its rules in three sentences.",
    )),
    Category("Brainstorm & Ideation", "Brainstorming", None, (
        "Suggest five unusual uses for an old umbrella.",
        "Give me ideas for a weekend project that needs no money.",
        "Brainstorm themes for a school fair that has never been done before.",
    )),
    Category("Brainstorm & Ideation", "Naming", None, (
        "Suggest a name for a bakery that only opens at night.",
        "Name a new color that sits between green and gold.",
        "Propose a title for a memoir written by a retired mail carrier.",
    )),
    Category("Brainstorm & Ideation", "Recommendations", None, (
        "Recommend a hobby for someone who likes puzzles and being outdoors.",
        "What should I cook for friends when I only have thirty minutes?",
        "Suggest a board game night theme for people who do not like competition.",
    )),
    Category("Speculative & Hypothetical Scenarios", "Hypothetical Scenarios", None, (
        "What would change if humans could hibernate through winter?",
        "Describe a day in a city where nobody is allowed to use money.",
        "What if every book you read could be read only once?",
    )),
    Category("Speculative & Hypothetical Scenarios", "Future Predictions", None, (
        "How will people spend their free time in the year 2100?",
        "Describe what a school might look like fifty years from now.",
        "What job that does not exist today will be common in thirty years?",
    )),
    Category("Skill Development", "Skill Development", None, (
        "How can I get better at remembering people's names?",
        "Give me a plan to learn to draw in one month.",
        "What is a good way to practise public speaking alone?",
    )),
    Category("Skill Development", "Problem Solving", None, (
        "My neighbour's dog barks every morning at six. What could I do?",
        "How could a small library attract more teenagers?",
        "How can two roommates split chores fairly when their schedules differ?",
    )),
    Category("Skill Development", "Decision Support", None, (
        "Should I learn the piano or the guitar first? Help me decide.",
        "How do I choose between a job I love and a job that pays more?",
        "I cannot decide whether to move to a big city. What should I consider?",
    )),
    Category("Information Seeking", "Concept Explanations", None, (
        "Explain time zones to a seven-year-old.",
        "Explain why the sky changes color at sunset, using an analogy.",
        "Explain compound interest with a story.",
    )),
    Category("Information Seeking", "Information Seeking", None, (
        "What are some interesting facts about octopuses?",
        "Tell me something surprising about the history of chess.",
        "What makes a good cup of tea?",
    )),
    Category("Analytical & Interpretive Work", "Analytical and Interpretive Work", None, (
        "What might the color green symbolise in a story about a long journey?",
        "Why do people enjoy sad songs?",
        "Interpret the saying: the map is not the territory.",
    )),
    Category("Analytical & Interpretive Work", "Philosophical Questions", None, (
        "Is a promise still binding if the person you made it to has forgotten it?",
        "What makes a life meaningful?",
        "Can a copy of a painting ever be as valuable as the original?",
    )),
    Category("Analytical & Interpretive Work", "Value-laden Questions", None, (
        "Is it better to be kind or to be honest?",
        "Should children be paid for doing household chores?",
        "Is it ever right to break a rule you think is unfair?",
    )),
    Category("Analytical & Interpretive Work", "Opinions and Preferences", None, (
        "What is the most underrated season of the year, and why?",
        "Which invention made everyday life better the most?",
        "What is the best way to spend a rainy afternoon?",
    )),
)


def top_categories() -> list[str]:
    return list(dict.fromkeys(c.top for c in TAXONOMY))


def prompt_rows() -> list[dict[str, str]]:
    """The prompt set as rows ``{prompt_id, prompt, category, subcategory}``."""
    rows = []
    for c in TAXONOMY:
        slug = "".join(ch if ch.isalnum() else "-" for ch in c.fine.lower()).strip("-")
        for i, text in enumerate(c.prompts, start=1):
            rows.append({"prompt_id": f"{slug}-{i}", "prompt": text, "category": c.top,
                         "subcategory": c.fine})
    return rows
