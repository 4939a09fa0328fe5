"""Pure computation on numpy/pandas/geopandas objects: no SQL, no Streamlit."""
