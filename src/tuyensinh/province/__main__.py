"""`python -m tuyensinh.province batch|citywide|sample …` (see `tuyensinh.province.command`)."""

import sys

from tuyensinh.province.command import main

sys.exit(main())
