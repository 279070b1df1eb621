print("vigilctl")
