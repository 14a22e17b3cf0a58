print("hrec-seek-bench: to be written")
