"""Subcommands of the tuyensinh CLI."""
