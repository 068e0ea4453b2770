"""The Textual app: screens, widgets and styles. Calls the engine; nothing below imports it."""
