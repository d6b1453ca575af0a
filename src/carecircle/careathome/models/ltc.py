"""Long-term-care (LTC) disability assessment, care plans and settlement."""
