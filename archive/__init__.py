"""The SQLite archive layer (sqlite-utils). Imports neither scrapy nor crawler."""
