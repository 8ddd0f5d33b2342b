"""akhbar's spiders: one, `news`."""
