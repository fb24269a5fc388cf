"""The Lambda data plane: environment pools, the Invoke API, validation, and the moto seam."""
