"""lutopt dialects."""
