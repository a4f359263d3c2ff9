"""lutopt lowering passes."""
