"""The Streamlit app: pages and components that wire geo/ and analysis/ to the screen."""
