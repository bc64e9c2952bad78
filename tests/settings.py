"""Settings of the test suite: the product's own, in development mode (DEBUG=1).

pytest-django imports the settings before any conftest runs, so the suite names this module
(pyproject.toml) rather than asking anyone to set variables. DEBUG=1 is put in the environment,
unless it is already there, so that commands the tests run in a subprocess see it too; tests
of production behaviour set DEBUG=0 themselves.
"""

import os

os.environ.setdefault("DEBUG", "1")

from config.settings import *  # noqa: E402, F403
