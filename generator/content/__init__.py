"""What the content files say: reading them with positions, the model, Markdown, the rules."""
