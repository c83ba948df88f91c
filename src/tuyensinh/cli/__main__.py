"""`python -m tuyensinh.cli …`: the same as the `tuyensinh` command."""

import sys

from tuyensinh.cli import main

sys.exit(main())
