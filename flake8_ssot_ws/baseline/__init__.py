"""Baselines of known findings: the file format (``store``) and the ratchet that applies and
shrinks it (``ratchet``)."""
