

def test_warm_up_loads_what_the_first_semantic_lookup_would():
    """The alignment's WordNet table is read by warm_up, not by the first lookup (which has a deadline)."""
    from cache import alignment
    from cache.config import CacheConfig
    from cache.store import ResponseCacheStore

    for memoised in vars(alignment).values():  # per-word memos would otherwise answer without the table
        if hasattr(memoised, "cache_clear"):
            memoised.cache_clear()
    ResponseCacheStore(CacheConfig()).warm_up()
    assert alignment._synonym_table.cache_info().currsize == 1
