"""zerocarbon: from "we don't know our emissions" to a verified zero-carbon factory (零碳工厂)."""

__version__ = "0.1.0"
