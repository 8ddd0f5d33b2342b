"""akhbar's Scrapy project: outlets -> spider -> extraction -> archive."""
