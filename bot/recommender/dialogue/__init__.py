"""The shop assistant's dialogue: one turn in, typed replies out (no Rasa in here)."""
