"""lutopt command-line tools."""
