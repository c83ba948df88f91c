"""Benchmarks of tuyensinh: `python -m benchmarks [NAME] [options]` (see __main__)."""
