"""Homecoming: the information system of a post-conflict return programme."""
