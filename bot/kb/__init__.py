"""Knowledge: load, validate and index the YAML files of ``knowledge/``."""
