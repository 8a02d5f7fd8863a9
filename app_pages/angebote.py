"""Seite „Angebote & Erreichbarkeit" (Platzhalter, wird ausgebaut)."""

import streamlit as st

st.title("Angebote & Erreichbarkeit")
st.info("in Arbeit")
