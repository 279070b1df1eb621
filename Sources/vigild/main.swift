print("vigild")
