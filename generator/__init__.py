"""reportgen: turns indicator data into the annual assessment report of the cadre-training plan."""

__version__ = "0.1.0"
