"""Dialogue: the transport-free conversation engine and the texts it composes."""
