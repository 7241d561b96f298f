"""One module per table the data contract covers: `NAME`, `prepare(df)` and `build()`."""
