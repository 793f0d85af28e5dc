"""Settings package: base (shared), local (make run), test, production."""
