"""Walouja entry page: a map of Morocco and the state of the database."""

from __future__ import annotations

import folium
import streamlit as st
from streamlit_folium import st_folium

from app.context import database_status
from app.offline import use_local_assets

st.set_page_config(page_title="Walouja", page_icon="♿", layout="wide")
use_local_assets()

st.title("Walouja — ولوجة")
st.caption("Accessibility planning for persons with disabilities in Morocco")

status = database_status()
if status.get("reachable"):
    st.success(
        f"Database connected — PostgreSQL {status.get('postgres_version')}, "
        f"PostGIS {status.get('postgis_version')}, schema revision {status.get('revision')}"
    )
else:
    st.error(f"Database unavailable: {status.get('error')}")

m = folium.Map(location=[31.5, -7.5], zoom_start=5, tiles=None, control_scale=True)
folium.Rectangle(
    bounds=[[21.3, -17.2], [35.95, -0.98]], color="#2a7", fill=False, tooltip="Morocco"
).add_to(m)
st_folium(m, key="home_map", height=520, use_container_width=True, returned_objects=[])
