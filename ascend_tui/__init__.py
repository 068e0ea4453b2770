"""ascend-tui: design AI compute clusters from the chip up and see what they deliver.

The version is in pyproject.toml only; `ascend-tui --version` reads the installed metadata.
"""
