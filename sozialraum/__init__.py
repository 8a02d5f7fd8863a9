"""Sozialraum: a library for social-space planning (need, services, reach, outreach siting).

The library never imports Streamlit; the app in ``app.py`` is a thin skin over it.
"""

__version__ = "0.1.0"
