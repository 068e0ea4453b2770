"""ascend-tui: design AI compute clusters from the chip up and see what they deliver."""

__version__ = "0.1.0"
