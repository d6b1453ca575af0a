"""Home adaptation (居家适老化改造) cases and assistive-device rental (康复辅具租赁)."""
