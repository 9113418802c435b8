"""The benchmark's fixed prompt set: a mix of short factual and longer open-ended requests."""

BENCH_PROMPTS = [
    "What is the capital of France?",
    "Explain in a few sentences why the sky is blue.",
    "Write a short poem about autumn leaves.",
    "List three benefits of regular exercise.",
    "What is the difference between a virus and a bacterium?",
    "Describe how a bicycle works.",
    "Give me a recipe idea for a quick vegetarian dinner.",
    "Summarize the plot of Romeo and Juliet.",
    "How do airplanes stay in the air?",
    "What are the main causes of climate change?",
    "Write a friendly email inviting a colleague to lunch.",
    "Explain what a computer program is to a child.",
    "Name the planets of the solar system in order.",
    "Why do cats purr?",
    "Suggest a name for a new coffee shop and explain it.",
    "What is photosynthesis?",
]
