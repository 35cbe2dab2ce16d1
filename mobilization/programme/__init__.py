"""The annual programme (年度計畫, Art. 24, 27, 28) that call-ups draw on, and rotation leave (Art. 32)."""
