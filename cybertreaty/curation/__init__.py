"""Curation: import facts into data/, compare builds, cut releases.

This package is part of the graph layer: it reads and writes data/ and builds graphs with
``cybertreaty.graph``; it never imports the web service. The CLI (``cli/curation_commands.py``)
and the ``POST /validate`` route are thin adapters over it.
"""
