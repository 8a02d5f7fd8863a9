"""Seite „Berichte & Export“ (Platzhalter, wird ausgebaut)."""

import streamlit as st

st.title("Berichte & Export")
st.info("in Arbeit")
