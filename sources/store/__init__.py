"""Our own data: SQLModel tables, migrations and keyword-only repository functions."""
