from .cli import main

if __name__ == "__main__":  # spawned worker processes (ensemble training) import this module too
    raise SystemExit(main())
