"""The design model: dataclasses, the part catalog and the TOML format. No Textual, no Numba."""
