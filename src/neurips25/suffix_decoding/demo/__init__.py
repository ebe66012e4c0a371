"""The project's demo model: a small Llama trained locally on agentic-style requests."""
