"""Understanding: pure functions from a message and a knowledge snapshot to what it means."""
