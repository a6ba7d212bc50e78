"""Pure polars: frames in, frames out. No Streamlit, no sessions, no I/O."""
