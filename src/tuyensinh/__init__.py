"""tuyensinh package."""
