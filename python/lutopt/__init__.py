"""lutopt: quantized neural networks to LUT circuits."""
