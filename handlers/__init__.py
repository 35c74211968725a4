"""Telegram channel: python-telegram-bot handlers over the dialogue engine."""
