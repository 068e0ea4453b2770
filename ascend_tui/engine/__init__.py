"""The evaluator: packs a design into arrays and runs jitted kernels over them. No Textual."""
