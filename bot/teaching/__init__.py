"""The teacher's side without HTTP: accounts, groups, review, overview, exports and privacy.

Each module takes a database connection or session from `bot.store.db.Database` and returns
plain data; the web routes (bot/web/routes/teacher.py) and the CLI (bot/commands/) call it.
"""
