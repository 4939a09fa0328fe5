"""Run-and-store functions shared by the CLI and the app (read through geo, compute in analysis)."""
