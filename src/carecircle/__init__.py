"""CareCircle: the digital core of a city's 一老一小 service system."""

__version__ = "0.1.0"
