"""The analyst's workspace: conversations, ratings and exports, kept in SQLite."""
