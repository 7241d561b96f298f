"""Template parsers: document model to figures in codebook codes (national 2019/2021, pre-2019 统计表, prose)."""
