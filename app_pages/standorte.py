"""Seite „Standortplanung" (Platzhalter, wird ausgebaut)."""

import streamlit as st

st.title("Standortplanung")
st.info("in Arbeit")
