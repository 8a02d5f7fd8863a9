"""Seite „Daten" (Platzhalter, wird ausgebaut)."""

import streamlit as st

st.title("Daten")
st.info("in Arbeit")
