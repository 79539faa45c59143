"""reportgen: turns indicator data into the annual assessment report of the cadre-training plan.

The version has one home, `__version__` below; pyproject.toml reads it from here
(`[tool.setuptools.dynamic]`), so the installed distribution's metadata agrees. A constant,
not a lookup in that metadata: importing importlib.metadata costs every command 25-40 ms.
Must not import any stage (config, data, narrative, layout …) or third-party library: every
command imports this package first.
"""

__version__ = "0.1.0"
