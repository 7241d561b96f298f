"""Data Docs index that keeps every suite's pages (each check runs its own ephemeral context)."""

from great_expectations.render.renderer.site_builder import DefaultSiteIndexBuilder


class KeepEverySuiteIndexBuilder(DefaultSiteIndexBuilder):
    """GX's default index drops pages its own (ephemeral, in-memory) stores do not know: here the index lists every
    page under the site directory, so the five suites' results, written by five contexts, share one index."""

    def build(self, skip_and_clean_missing: bool = False, build_index: bool = True):
        return super().build(skip_and_clean_missing=False, build_index=build_index)
