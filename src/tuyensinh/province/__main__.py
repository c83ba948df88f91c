"""`python -m tuyensinh.province batch|citywide|sample …` (`tuyensinh.cli.province_main`).

An entry point: the one module of `tuyensinh.province` that imports the command line (nothing
imports it), so these commands speak the planner's language as `tuyensinh` does."""

import sys

from tuyensinh.cli import province_main

sys.exit(province_main())
